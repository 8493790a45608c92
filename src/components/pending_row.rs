use leptos::prelude::*;

use crate::model::color::display_css;
use crate::model::draft::{Outgoing, SendState};

/// A post the server has not confirmed yet: sending, or failed with a way to retry. Its text
/// stays here until it is stored or taken back into the composer. Its buttons are handled by
/// the page's one click listener (`row_events`).
#[component]
pub fn PendingRow(post: Outgoing) -> impl IntoView {
    let name = post
        .username
        .clone()
        .unwrap_or_else(|| "anonymous".to_owned());
    let (status, failure) = match &post.state {
        SendState::Sending => ("pending", None),
        SendState::Failed(why) => ("failed", Some(why.clone())),
    };
    view! {
        <li
            class=format!("comment {status}")
            data-testid="comment"
            data-id=post.id.clone()
            data-status=status
            aria-busy=(status == "pending").to_string()
        >
            <div class="meta">
                <span class="who" data-testid="comment-username" style:color=display_css(post.color.as_deref())>
                    {name}
                </span>
                <span class="when">{if failure.is_some() { "not sent" } else { "sending…" }}</span>
            </div>
            <p class="text" data-testid="comment-text">{post.text.clone()}</p>
            <div class="failure" role="alert" hidden=failure.is_none()>
                <span>{failure.clone().unwrap_or_default()}</span>
                <button
                    type="button"
                    class="retry"
                    data-testid="retry-button"
                    data-act="retry"
                >
                    "Retry"
                </button>
                <button type="button" class="edit" data-act="edit">
                    "Edit"
                </button>
            </div>
        </li>
    }
}
