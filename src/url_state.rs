//! The view in the page's URL hash (the format is `hash`): read when the page opens and on
//! back/forward, written whenever the view changes.

use leptos::prelude::*;

use crate::browser::listen;
use crate::filter::Lens;
use crate::hash::{format, parse, HashView};
use crate::state::StreamState;

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

pub fn read() -> HashView {
    parse(&location().and_then(|l| l.hash().ok()).unwrap_or_default())
}

/// The view as the hash says, with the search the reader typed kept.
pub fn lens_of(v: HashView, now: &Lens) -> Lens {
    Lens {
        channel: v.channel,
        filters: v.filters,
        search: now.search.clone(),
    }
}

/// Writes the view into the hash: a new history entry (so back undoes it), except the first
/// time, which only tidies the link the page was opened with.
pub fn write(lens: &Lens, first: bool) {
    let Some(loc) = location() else {
        return;
    };
    let hash = format(&HashView::of(lens));
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
    });
}
