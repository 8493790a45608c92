use leptos::either::Either;
use leptos::prelude::*;

use crate::model::linkify::{split, Segment};

/// A comment's text with its web links clickable. Every piece is a text node or an `<a>` whose
/// href is an http(s) URL: nothing a comment says is ever parsed as HTML.
#[component]
pub fn LinkedText(text: String) -> impl IntoView {
    split(&text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(t) => Either::Left(t),
            Segment::Link { href, label } => Either::Right(view! {
                <a href=href target="_blank" rel="noopener noreferrer nofollow">
                    {label}
                </a>
            }),
        })
        .collect_view()
}
