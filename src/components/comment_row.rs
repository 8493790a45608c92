use std::sync::Arc;

use leptos::prelude::*;
use saywhatwant_wire::{Comment, MessageType};

use crate::color::display_css;
use crate::components::linked_text::LinkedText;
use crate::reltime;

/// One comment of the stream.
#[component]
pub fn CommentRow(comment: Arc<Comment>, now: RwSignal<u64>, utc_offset_min: i32) -> impl IntoView {
    let ts = comment.timestamp;
    let name = comment
        .username
        .clone()
        .unwrap_or_else(|| "anonymous".to_owned());
    let is_ai = comment.message_type == MessageType::Ai;
    view! {
        <li class="comment" class:ai=is_ai data-testid="comment" data-id=comment.id.clone()>
            <div class="meta">
                <span
                    class="who"
                    data-testid="comment-username"
                    style:color=display_css(comment.color.as_deref())
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
            <p class="text" data-testid="comment-text">
                <LinkedText text=comment.text.clone() />
            </p>
        </li>
    }
}
