//! The menu of one comment (right-click, long-press, or the row's ⋯ button) and of the title
//! (everything shown). One element for the page, filled when it opens, with plain DOM calls
//! like the filter bar (docs/app.md, size). Every label is a text node.

use std::sync::Arc;

use leptos::prelude::*;
use saywhatwant_wire::Comment;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

use crate::browser::{copy_text, now_ms, save_text, utc_offset_min};
use crate::components::act::{Act, Item};
use crate::components::filter_bar::button;
use crate::model::alerts::{Rule, Sound};
use crate::model::export::{as_text, file_name};
use crate::model::filter::{words_of, Lens, User};
use crate::state::StreamState;

const ID: &str = "message-menu";
/// The words of a comment the menu offers to block.
const WORDS: usize = 8;
/// What the menu is for (a comment's id; a chip's `data-act`; empty: the title's menu).
const FOR: &str = "data-for";
/// The start of a chip's `data-act` (ids of comments never hold a `:`).
const CHIP_MENU: &str = "chip:";

#[component]
pub fn MessageMenu() -> impl IntoView {
    view! { <div id=ID class="menu" role="menu" data-testid="message-menu" hidden></div> }
}

fn element() -> Option<Element> {
    document().get_element_by_id(ID)
}

/// Opens the menu of comment `c` at `x`, `y` (viewport pixels).
pub fn for_comment(c: &Comment, x: f64, y: f64) {
    let name = c.username.as_deref().unwrap_or("anonymous");
    let items = [
        (Item::Copy, "Copy text".to_owned()),
        (Item::Save, "Save as .txt".to_owned()),
        (Item::OnlyUser, format!("Only {name}")),
        (Item::BlockUser, format!("Block {name}")),
        (Item::Report, "Report to the operator".to_owned()),
    ];
    open(&c.id, &items, &words_of(&c.text, WORDS), x, y);
}

/// Opens the title's menu, under the title.
pub fn for_title(x: f64, y: f64) {
    let items = [
        (Item::CopyAll, "Copy all shown".to_owned()),
        (Item::SaveAll, "Save all shown as .txt".to_owned()),
    ];
    open("", &items, &[], x, y);
}

/// Opens the alert menu of filter chip `i` (the sound it plays, or Silent), at `x`, `y`.
pub fn for_chip(i: usize, now: Option<Sound>, x: f64, y: f64) {
    let mut items = vec![(Item::Alert(None), "Silent".to_owned())];
    items.extend(Sound::ALL.map(|s| (Item::Alert(Some(s)), s.name().to_owned())));
    open(&Act::RemoveChip(i).attr(), &items, &[], x, y);
    let Some(menu) = element() else {
        return;
    };
    let _ = menu.set_attribute("aria-label", "Alert sound");
    if let Ok(buttons) = menu.query_selector_all("button") {
        for (j, (item, _)) in items.iter().enumerate() {
            if let Some(b) = buttons.item(j as u32) {
                let b = b.unchecked_into::<Element>();
                let _ = b.set_attribute("role", "menuitemradio");
                let checked = *item == Item::Alert(now);
                let _ = b.set_attribute("aria-checked", if checked { "true" } else { "false" });
            }
        }
    }
}

fn open(for_id: &str, items: &[(Item, String)], words: &[String], x: f64, y: f64) {
    let Some(menu) = element() else {
        return;
    };
    menu.set_text_content(None);
    let _ = menu.set_attribute(FOR, for_id);
    let _ = menu.remove_attribute("aria-label");
    let doc = document();
    for (item, label) in items {
        if let Some(b) = button(&doc, &menu, Act::Item(*item), label) {
            let _ = b.set_attribute("role", "menuitem");
        }
    }
    if !words.is_empty() {
        let _ = menu.append_with_str_1("Block a word:");
    }
    for w in words {
        if let Some(b) = button(&doc, &menu, Act::Item(Item::BlockWord), w) {
            let _ = b.set_attribute("role", "menuitem");
            let _ = b.set_attribute("class", "chip neg");
        }
    }
    let _ = menu.remove_attribute("hidden");
    // Kept on screen: moved up and left by whatever would stick out.
    let menu = menu.unchecked_into::<HtmlElement>();
    let (w, h) = (
        f64::from(menu.offset_width()),
        f64::from(menu.offset_height()),
    );
    let win = window();
    let size = |v: Result<JsValue, _>| v.ok().and_then(|v| v.as_f64());
    let (vw, vh) = (size(win.inner_width()), size(win.inner_height()));
    let left = x.min(vw.unwrap_or(x + w) - w - 8.0).max(0.0);
    let top = y.min(vh.unwrap_or(y + h) - h - 8.0).max(0.0);
    let style = menu.style();
    let _ = style.set_property("left", &format!("{}px", left as i32));
    let _ = style.set_property("top", &format!("{}px", top as i32));
    focus_item(&menu, 0);
}

/// Closes the menu; false when it was not open. With `refocus`, focus goes back to where the
/// menu came from (the row's ⋯ button, or the title), so keyboard users keep their place.
pub fn close(refocus: bool) -> bool {
    let Some(menu) = element() else {
        return false;
    };
    if menu.has_attribute("hidden") {
        return false;
    }
    let _ = menu.set_attribute("hidden", "");
    if !refocus {
        return true;
    }
    let for_id = menu.get_attribute(FOR).unwrap_or_default();
    let opener = if for_id.is_empty() {
        ".page-menu".to_owned()
    } else if for_id.starts_with(CHIP_MENU) {
        format!("[data-act=\"{for_id}\"]")
    } else {
        format!("[data-id=\"{}\"] .more", for_id.replace(['"', '\\'], ""))
    };
    if let Ok(Some(el)) = document().query_selector(&opener) {
        let _ = el.unchecked_into::<HtmlElement>().focus();
    }
    true
}

/// Arrow keys move through the items (wrapping); Escape closes. True when the key was used.
pub fn on_key(key: &str) -> bool {
    let Some(menu) = element().filter(|m| !m.has_attribute("hidden")) else {
        return false;
    };
    let step = match key {
        "Escape" => return close(true),
        "ArrowDown" => 1,
        "ArrowUp" => -1,
        _ => return false,
    };
    let Ok(items) = menu.query_selector_all("button") else {
        return false;
    };
    let n = items.length() as i32;
    let active = document().active_element().map(JsValue::from);
    let at = (0..n).find(|&i| items.item(i as u32).map(JsValue::from) == active);
    let next = at.map_or(0, |i| (i + step).rem_euclid(n.max(1)));
    focus_item(&menu, next as u32);
    true
}

fn focus_item(menu: &Element, i: u32) {
    let item = menu
        .query_selector_all("button")
        .ok()
        .and_then(|l| l.item(i))
        .map(|b| b.unchecked_into::<HtmlElement>());
    if let Some(b) = item {
        let _ = b.focus();
    }
}

/// The comment the open menu is for, closing it (for the items that act on the stream).
pub fn take_target() -> Option<String> {
    let id = element()?.get_attribute(FOR).filter(|id| !id.is_empty());
    close(true);
    id
}

/// Does what a menu item (the button `el`) says. True when the lens changed.
pub fn act(item: Item, el: &Element, state: StreamState, lens: &mut Lens) -> bool {
    let for_id = element()
        .and_then(|m| m.get_attribute(FOR))
        .unwrap_or_default();
    close(true);
    let offset = utc_offset_min();
    let save = |comments: &[Arc<Comment>]| {
        let text = as_text(comments.iter().map(|c| &**c), offset);
        save_text(&file_name(now_ms(), offset), &text);
    };
    let copy =
        |comments: &[Arc<Comment>]| copy_text(&as_text(comments.iter().map(|c| &**c), offset));
    if let (Item::Alert(sound), Some(Act::RemoveChip(i))) = (item, Act::parse(&for_id)) {
        if let Some(rule) = Rule::of_chip(&lens.filters, i) {
            state.alerts.update(|a| a.set(rule, sound));
            // A taste of the choice (and a click that lets the page play sounds at all).
            if let Some(s) = sound {
                crate::sound::play(s);
            }
        }
        return false;
    }
    if for_id.is_empty() {
        let shown = shown_rows(state);
        match item {
            Item::CopyAll => copy(&shown),
            Item::SaveAll => save(&shown),
            _ => {}
        }
        return false;
    }
    let Some(c) = state.shown_comment(&for_id) else {
        return false;
    };
    let f = &mut lens.filters;
    match item {
        Item::Copy => copy(&[c]),
        Item::Save => save(&[c]),
        Item::OnlyUser => {
            f.add_user(User::of(&c));
            return true;
        }
        Item::BlockUser => {
            f.block_user(User::of(&c));
            return true;
        }
        Item::BlockWord => return f.add_word(&el.text_content().unwrap_or_default(), false),
        Item::Report | Item::CopyAll | Item::SaveAll | Item::Alert(_) => {}
    }
    false
}

/// The comments on screen now (the rendered window of what the lens shows), oldest first.
fn shown_rows(state: StreamState) -> Vec<Arc<Comment>> {
    let Ok(rows) = document().query_selector_all("[data-testid=comment]") else {
        return Vec::new();
    };
    state.with_shown_untracked(|t| {
        (0..rows.length())
            .filter_map(|i| {
                rows.item(i)?
                    .unchecked_into::<Element>()
                    .get_attribute("data-id")
            })
            .filter_map(|id| t.find(&id).cloned())
            .collect()
    })
}
