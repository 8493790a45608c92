//! The view in the page's URL hash (the format is `hash`): read when the page opens and on
//! back/forward, written whenever the view changes.
//!
//! Not wired into the page yet: it adds about 3.8 KB gzip, over the size budget (docs/app.md,
//! "Reading tools"). Wiring it is `read` + `lens_of` + `follow` in `CommentsStream` before the
//! stream starts, and `write` in the bar's effect (`filter_bar::follow`).

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

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

/// Back and forward (and an edited hash) change the view; the listener goes with the page.
pub fn follow(state: StreamState) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if let Some(now) = state.lens.try_get_untracked() {
            let next = lens_of(read(), &now);
            if next != now {
                state.set_lens(next);
            }
        }
    });
    let _ =
        window.add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
    let held = StoredValue::new_local((window, on_change));
    on_cleanup(move || {
        held.try_with_value(|(w, f)| {
            let _ = w.remove_event_listener_with_callback("hashchange", f.as_ref().unchecked_ref());
        });
    });
}
