use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::model::linkify::{split, Segment};

/// A comment's text with its web links clickable. Every piece is a text node, an `<a>` whose
/// href is an http(s) URL, or a button that plays a shared video in the drawer (its key is
/// checked, `video::is_key`): nothing a comment says is ever parsed as HTML.
#[component]
pub fn LinkedText(text: String) -> impl IntoView {
    split(&text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(t) => EitherOf3::A(t),
            Segment::Link { href, label } => EitherOf3::B(view! {
                <a href=href target="_blank" rel="noopener noreferrer nofollow">
                    {label}
                </a>
            }),
            Segment::Video(key) => EitherOf3::C(view! {
                <button type="button" class="video-ref" data-act="v:play" data-key=key>
                    "▶ video"
                </button>
            }),
        })
        .collect_view()
}
