//! What clicks mean, handled by one listener for the whole page (each distinct handler costs
//! its own copy of the event code): a username filters by that person, a word in the text by
//! that word, and buttons with a `data-act` do what it says.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::filter::{word_at, Channel, Lens, User};
use crate::state::StreamState;
use crate::sync::Stream;
use crate::viewport::Viewport;

fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.closest(selector).ok().flatten()
}

pub fn on_click(
    ev: leptos::ev::MouseEvent,
    state: StreamState,
    stream: StoredValue<Stream, LocalStorage>,
) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let act = closest(&target, "[data-act]").and_then(|b| b.get_attribute("data-act"));
    let id = closest(&target, "[data-testid=comment]").and_then(|r| r.get_attribute("data-id"));
    let mut lens = state.lens.get_untracked();
    let changed = match (act.as_deref(), id) {
        (Some("retry"), Some(id)) => {
            stream.with_value(|s| s.retry(&id));
            false
        }
        (Some("edit"), Some(id)) => {
            stream.with_value(|s| s.edit(&id));
            false
        }
        (Some("jump"), _) => {
            // Back to the newest; the scroll anchor is only read again after the reader has
            // left the bottom, which sets it anew.
            state.viewport.set(Viewport::Following);
            false
        }
        (Some("dismiss"), _) => {
            state.notice.set(None);
            false
        }
        (Some(act), _) => act_on(act, &mut lens),
        (None, Some(id)) => on_row(&target, &id, state, &mut lens).is_some(),
        (None, None) => false,
    };
    if changed {
        let channel = lens.channel != state.channel();
        state.set_lens(lens);
        if channel {
            stream.with_value(Stream::wake);
        }
    }
}

/// The filter bar: a channel (`mt:…`), `toggle`, or the index of a chip to remove.
fn act_on(act: &str, lens: &mut Lens) -> bool {
    if let Some(c) = act.strip_prefix("mt:").and_then(Channel::parse) {
        lens.channel = c;
        return true;
    }
    let f = &mut lens.filters;
    match act.parse::<usize>() {
        Ok(i) => f.remove_at(i),
        Err(_) if act == "toggle" => {
            f.active = !f.active;
            true
        }
        Err(_) => false,
    }
}

fn on_row(target: &Element, id: &str, state: StreamState, lens: &mut Lens) -> Option<()> {
    // Unsent posts are not in the timeline yet: nothing to filter by.
    let comment = state.with_shown_untracked(|t| t.find(id).cloned())?;
    if closest(target, ".who").is_some() {
        lens.filters.add_user(User::of(&comment));
        return Some(());
    }
    if closest(target, ".text").is_some() && closest(target, "a").is_none() {
        return lens.filters.add_word(&clicked_word()?, true).then_some(());
    }
    None
}

/// The word under the caret a click leaves behind; none when the reader selected text (to
/// copy it, say) rather than clicked.
fn clicked_word() -> Option<String> {
    let sel = web_sys::window()?.get_selection().ok()??;
    if !sel.is_collapsed() {
        return None;
    }
    // A click on text leaves the caret in that text node (offsets then count characters).
    word_at(&sel.anchor_node()?.text_content()?, sel.anchor_offset())
}
