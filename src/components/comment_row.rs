use std::sync::Arc;

use leptos::prelude::*;
use saywhatwant_wire::{Comment, MessageType};

use crate::components::linked_text::LinkedText;
use crate::model::color::display_css;
use crate::model::reltime;

/// One comment of the stream.
#[component]
pub fn CommentRow(
    comment: Arc<Comment>,
    /// The comment this one answers (`replyTo`), when the page has it.
    answered: Option<Arc<Comment>>,
    now: RwSignal<u64>,
    utc_offset_min: i32,
) -> impl IntoView {
    let ts = comment.timestamp;
    let name = comment
        .username
        .clone()
        .unwrap_or_else(|| "anonymous".to_owned());
    let is_ai = comment.message_type == MessageType::Ai;
    let reply = comment.reply_to.clone().map(|id| reply_to(id, answered));
    view! {
        <li class="comment" class:ai=is_ai data-testid="comment" data-id=comment.id.clone()>
            <div class="meta">
                <span
                    class="who"
                    data-testid="comment-username"
                    style:color=display_css(comment.color.as_deref())
                    data-color=comment.color.clone().unwrap_or_default()
                >
                    {name}
                </span>
                <time
                    class="when"
                    datetime=ts.to_string()
                    title=reltime::full(ts, utc_offset_min)
                >
                    {Signal::derive(move || reltime::relative(now.get(), ts, utc_offset_min))}
                </time>
                <button
                    type="button"
                    class="more"
                    data-act="menu"
                    data-testid="message-menu-button"
                    aria-label="Message actions"
                    aria-haspopup="menu"
                >
                    "⋯"
                </button>
            </div>
            {reply}
            <p class="text" data-testid="comment-text">
                <LinkedText text=comment.text.clone() />
            </p>
        </li>
    }
}

/// "in reply to <name>", a button that brings the answered row into view (`row_events`); the
/// answered text is its tooltip. Names and text are text nodes.
fn reply_to(id: String, answered: Option<Arc<Comment>>) -> impl IntoView {
    let (name, color, title) = match &answered {
        Some(c) => (
            c.username.clone().unwrap_or_else(|| "anonymous".to_owned()),
            display_css(c.color.as_deref()),
            c.text.chars().take(80).collect::<String>(),
        ),
        None => ("a comment".to_owned(), String::new(), String::new()),
    };
    view! {
        <button type="button" class="reply-to" data-act="reply-to" data-testid="reply-to" data-reply-to=id title=title>
            "in reply to "
            <span style:color=color>{name}</span>
        </button>
    }
}
