//! The view in the page's URL hash (the format is `hash`): read when the page opens and on
//! back/forward, written whenever the view changes. The conversation keys (`entity`, `ais`, ...)
//! are written back beside the view, so no view change loses them.

use leptos::prelude::*;

use crate::browser::listen;
use crate::model::conversation::Conversation;
use crate::model::filter::Lens;
use crate::model::hash::{format, parse, HashView};
use crate::state::StreamState;

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

fn hash() -> String {
    location().and_then(|l| l.hash().ok()).unwrap_or_default()
}

pub fn read() -> HashView {
    parse(&hash())
}

/// The conversation the link names, if any (kept in the hash beside the view).
pub fn conversation() -> Option<Conversation> {
    Conversation::parse(&hash())
}

/// The view as the hash says, with the search the reader typed kept.
pub fn lens_of(v: HashView, now: &Lens) -> Lens {
    Lens {
        channel: v.channel,
        filters: v.filters,
        search: now.search.clone(),
        domain: now.domain.clone(),
    }
}

/// Writes the view into the hash: a new history entry (so back undoes it), except the first
/// time, which only tidies the link the page was opened with.
pub fn write(lens: &Lens, talk: Option<&Conversation>, first: bool) {
    let Some(loc) = location() else {
        return;
    };
    let mut hash = format(&HashView::of(lens));
    for part in talk.map(Conversation::hash_parts).unwrap_or_default() {
        if !hash.is_empty() {
            hash.push('&');
        }
        hash.push_str(&part);
    }
    if loc.hash().unwrap_or_default().trim_start_matches('#') == hash {
        return;
    }
    let _ = if first {
        loc.replace(&format!("#{hash}"))
    } else {
        loc.set_hash(&hash)
    };
}

/// Back and forward (and an edited hash) change the view.
pub fn follow(state: StreamState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    listen(window.into(), &["hashchange"], move |_| {
        if let Some(now) = state.lens.try_get_untracked() {
            let next = lens_of(read(), &now);
            if next != now {
                state.set_lens(next);
            }
        }
        let talk = conversation();
        if state.conversation.try_with_untracked(|c| *c != talk) == Some(true) {
            state.conversation.set(talk);
        }
    });
}
