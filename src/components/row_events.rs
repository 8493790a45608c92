//! What clicks, right-clicks, long-presses and keys mean, handled by two listeners for the
//! whole page (each distinct handler costs its own copy of the event code): a username filters
//! by that person, a word in the text by that word, a comment's menu acts on it, and buttons
//! with a `data-act` do the [`Act`] it names; the page's own keys (`r`, Tab, Escape) are read
//! here too.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, Element, Event, KeyboardEvent, MouseEvent, PointerEvent};

use crate::browser::{listen, random};
use crate::components::act::{Act, Item};
use crate::components::colour_grid;
use crate::components::composer;
use crate::components::message_menu;
use crate::components::video_drawer;
use crate::config::SEARCH_DEBOUNCE_MS;
use crate::model::alerts::Rule;
use crate::model::color::Rgb;
use crate::model::filter::{word_at, Lens, User};
use crate::model::viewport::Viewport;
use crate::state::StreamState;
use crate::sync::Stream;

/// A touch held this long opens the comment's menu.
const LONG_PRESS_MS: u32 = 500;

fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.closest(selector).ok().flatten()
}

/// The id of the comment row `el` is in.
fn row_id(el: &Element) -> Option<String> {
    closest(el, "[data-testid=comment]")?.get_attribute("data-id")
}

fn on_click(ev: &MouseEvent, state: StreamState, stream: StoredValue<Stream, LocalStorage>) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let button = closest(&target, "[data-act]");
    let act = button
        .as_ref()
        .and_then(|b| b.get_attribute("data-act"))
        .and_then(|a| Act::parse(&a));
    let id = row_id(&target);
    if closest(&target, ".menu").is_none() {
        message_menu::close(false);
    }
    if act != Some(Act::Palette) && closest(&target, ".palette").is_none() {
        colour_grid::close(false);
    }
    let mut lens = state.lens.get_untracked();
    let changed = match (act, id) {
        (Some(Act::Item(Item::Report)), _) => {
            if let Some(id) = message_menu::take_target() {
                stream.with_value(|s| s.report(&id));
            }
            false
        }
        (Some(Act::Item(item)), _) => {
            button.is_some_and(|b| message_menu::act(item, &b, state, &mut lens))
        }
        (Some(Act::Menu), Some(id)) => {
            if let (Some(c), Some(b)) = (state.shown_comment(&id), button) {
                let r = b.get_bounding_client_rect();
                message_menu::for_comment(&c, r.left(), r.bottom());
            }
            false
        }
        (Some(Act::Title), _) => {
            if let Some(b) = button {
                let r = b.get_bounding_client_rect();
                message_menu::for_title(r.left(), r.bottom());
            }
            false
        }
        (Some(Act::Domain), _) => {
            lens.domain = match lens.domain {
                Some(_) => None,
                None => Some(crate::browser::host()),
            };
            true
        }
        (Some(Act::Palette), _) => {
            if colour_grid::is_open() {
                colour_grid::close(false);
            } else {
                colour_grid::open();
            }
            false
        }
        (Some(Act::Swatch), _) => {
            let picked = button.and_then(|b| b.get_attribute("data-colour"));
            if let Some(c) = picked.filter(|c| saywhatwant_wire::is_valid_color(c)) {
                state.me.set(c);
            }
            colour_grid::close(true);
            false
        }
        (Some(Act::Drawer), _) => {
            state.drawer_open.update(|open| *open = !*open);
            false
        }
        (Some(Act::PlayVideo), _) => {
            video_drawer::play(button.as_ref(), state);
            false
        }
        (Some(Act::Retry), Some(id)) => {
            stream.with_value(|s| s.retry(&id));
            false
        }
        (Some(Act::Edit), Some(id)) => {
            stream.with_value(|s| s.edit(&id));
            false
        }
        (Some(Act::Jump), _) => {
            // Back to the newest; the scroll anchor is only read again after the reader has
            // left the bottom, which sets it anew.
            state.viewport.set(Viewport::Following);
            false
        }
        (Some(Act::ReplyTo), _) => {
            if let Some(id) = button.and_then(|b| b.get_attribute("data-reply-to")) {
                show_row(&id);
            }
            false
        }
        (Some(Act::Leave), _) => {
            // The filter bar's effect writes the link without it: a new history entry.
            state.conversation.set(None);
            false
        }
        (Some(Act::Dismiss), _) => {
            state.notice.set(None);
            false
        }
        (Some(Act::Channel(c)), _) => {
            lens.channel = c;
            true
        }
        (Some(Act::ToggleFilters), _) => {
            lens.filters.active = !lens.filters.active;
            true
        }
        (Some(Act::RemoveChip(i)), _) => lens.filters.remove_at(i),
        // A row's own buttons, clicked on a row that is no longer shown.
        (Some(Act::Menu | Act::Retry | Act::Edit), None) => false,
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

/// The page's own keys, outside the fields where they are typed: `r` a random colour, Tab
/// with nothing focused the message box. Escape closes the colour grid.
fn on_key(ev: &KeyboardEvent, state: StreamState) -> bool {
    let key = ev.key();
    if key == "Escape" && colour_grid::is_open() {
        colour_grid::close(true);
        return true;
    }
    let active = document().active_element();
    let typing = active
        .as_ref()
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    let plain = !(ev.ctrl_key() || ev.meta_key() || ev.alt_key());
    match key.as_str() {
        "r" | "R" if plain && !typing => {
            state.me.set(Rgb::pleasant(random()).to_wire());
            true
        }
        // Only from the page itself: Tab keeps its usual order from every control.
        "Tab" if !ev.shift_key() && active.is_none_or(|el| el.tag_name() == "BODY") => {
            crate::browser::focus_id("comment-input");
            true
        }
        _ => false,
    }
}

/// Scrolls the answered row into view and marks it for a moment (`.answered`), when it is in
/// the DOM.
fn show_row(id: &str) {
    let doc = web_sys::window().and_then(|w| w.document());
    let rows = doc.and_then(|d| d.query_selector_all("[data-testid=comment]").ok());
    let Some(rows) = rows else {
        return;
    };
    for i in 0..rows.length() {
        let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if row.get_attribute("data-id").as_deref() == Some(id) {
            row.scroll_into_view();
            let _ = row.class_list().toggle_with_force("answered", true);
        } else {
            let _ = row.class_list().toggle_with_force("answered", false);
        }
    }
}

fn on_row(target: &Element, id: &str, state: StreamState, lens: &mut Lens) -> Option<()> {
    // Unsent posts are not in the timeline yet: nothing to filter by.
    let comment = state.shown_comment(id)?;
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

/// Right-click and long-press open a comment's menu; arrow keys and Escape work the menu; typing
/// in the search box searches once typing pauses; the composer's typing, Enter and submit; the
/// video drawer's frame shares and closes.
/// One listener on the document for all of them.
pub fn listen_on_document(state: StreamState, stream: StoredValue<Stream, LocalStorage>) {
    let pressing = Rc::new(Cell::new(None::<Timeout>));
    let pressed = Rc::new(Cell::new(false));
    // Each key replaces (and so cancels) the wait of the one before.
    let searching = Cell::new(None::<Timeout>);
    let events = &[
        "click",
        "contextmenu",
        "keydown",
        "submit",
        "input",
        "pointerdown",
        "pointerup",
        "pointercancel",
        "touchend",
        "pointerover",
        "focusin",
        "sww-share",
        "sww-close",
    ];
    listen(document().into(), events, move |ev: Event| {
        match ev.type_().as_str() {
            "click" => on_click(ev.unchecked_ref(), state, stream),
            "keydown" => {
                let key = ev.unchecked_ref::<KeyboardEvent>();
                let target = ev.target().map(|t| t.unchecked_into::<Element>());
                let sent = target
                    .is_some_and(|t| stream.with_value(|s| composer::on_enter(key, &t, state, s)));
                if sent || message_menu::on_key(&key.key()) || on_key(key, state) {
                    ev.prevent_default();
                }
            }
            "submit" => {
                ev.prevent_default();
                stream.with_value(|s| composer::submit(state, s));
            }
            "contextmenu" => {
                if menu_at(&ev, state) {
                    ev.prevent_default();
                }
            }
            // The video drawer's frame (video_drawer).
            "sww-share" => {
                let key = ev.unchecked_ref::<CustomEvent>().detail().as_string();
                video_drawer::shared(&key.unwrap_or_default(), state);
            }
            "sww-close" => state.drawer_open.set(false),
            // Looking at a marked chip (pointer or keyboard) is seeing its alert.
            "pointerover" | "focusin" => {
                if let Some(rule) = chip_under(&ev, state)
                    .filter(|(_, r)| state.alerts.with_untracked(|a| a.is_unread(r)))
                {
                    state.alerts.update(|a| {
                        a.seen(&rule.1);
                    });
                }
            }
            "input" if is_search_box(&ev) => {
                let typed = event_target_value(&ev);
                searching.set(Some(Timeout::new(SEARCH_DEBOUNCE_MS, move || {
                    stream.with_value(|s| s.search(&typed));
                })));
            }
            "input" => {
                if let Some(t) = ev.target() {
                    stream.with_value(|s| composer::on_input(t.unchecked_ref(), state, s));
                }
            }
            "pointerdown" if ev.unchecked_ref::<PointerEvent>().pointer_type() == "touch" => {
                let (ev, pressed) = (ev.clone(), pressed.clone());
                pressed.set(false);
                pressing.set(Some(Timeout::new(LONG_PRESS_MS, move || {
                    pressed.set(menu_at(&ev, state));
                })));
            }
            // The finger lifted after a long-press: no click follows (it would close the menu).
            "touchend" if pressed.replace(false) => ev.prevent_default(),
            _ => drop(pressing.take()),
        }
    });
}

fn is_search_box(ev: &Event) -> bool {
    ev.target()
        .is_some_and(|t| t.unchecked_into::<Element>().class_name() == "search")
}

/// Opens the menu of what `ev` is on: a comment, a filter chip that can ring (its alert), or
/// the title (the page's menu, as the ⋯ beside it). False when it is on none of them.
fn menu_at(ev: &Event, state: StreamState) -> bool {
    if open_at(ev, state) {
        return true;
    }
    let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
    // Under the element, not the pointer: the context-menu key has no pointer.
    let below = |el: &Element| {
        let r = el.get_bounding_client_rect();
        (r.left(), r.bottom())
    };
    if let Some((chip, rule)) = chip_under(ev, state) {
        let (x, y) = below(&chip);
        let now = state.alerts.with_untracked(|a| a.sound_of(&rule));
        if let Some(Act::RemoveChip(i)) =
            chip.get_attribute("data-act").and_then(|a| Act::parse(&a))
        {
            message_menu::for_chip(i, now, x, y);
            return true;
        }
    }
    let Some(title) = target.and_then(|t| closest(&t, ".title")) else {
        return false;
    };
    let (x, y) = below(&title);
    message_menu::for_title(x, y);
    true
}

/// The filter chip `ev` is on, with its rule, when it is one that can ring.
fn chip_under(ev: &Event, state: StreamState) -> Option<(Element, Rule)> {
    let target = ev.target()?.dyn_into::<Element>().ok()?;
    let chip = closest(&target, ".filters [data-alert]")?;
    let Some(Act::RemoveChip(i)) = Act::parse(&chip.get_attribute("data-act")?) else {
        return None;
    };
    let rule = state
        .lens
        .with_untracked(|l| Rule::of_chip(&l.filters, i))?;
    Some((chip, rule))
}

/// Opens the menu of the comment under the pointer of `ev`; false when there is none.
fn open_at(ev: &Event, state: StreamState) -> bool {
    // `contextmenu` and `pointerdown` are both mouse events.
    let m = ev.unchecked_ref::<MouseEvent>();
    let row = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| row_id(&t))
        .and_then(|id| state.shown_comment(&id));
    let Some(c) = row else {
        return false;
    };
    message_menu::for_comment(&c, f64::from(m.client_x()), f64::from(m.client_y()));
    true
}
