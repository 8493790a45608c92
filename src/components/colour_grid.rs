//! The colour grid under the colour button: 12 fresh swatches each time it opens (the
//! original's picker), drawn with plain DOM calls like the filter bar (docs/app.md, size). A
//! swatch is a `data-act="swatch"` button; the page's click listener (`row_events`) does the
//! rest: a pick, a click elsewhere or Escape closes it.

use leptos::prelude::document;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::browser::random;
use crate::components::act::Act;
use crate::components::filter_bar::button;
use crate::model::color::swatches;

const GRID: &str = "palette";

fn parts() -> Option<(Element, Element)> {
    let doc = document();
    let grid = doc.get_element_by_id(GRID)?;
    let opener = doc.query_selector("[data-act=palette]").ok()??;
    Some((grid, opener))
}

pub fn is_open() -> bool {
    parts().is_some_and(|(g, _)| !g.has_attribute("hidden"))
}

/// Opens it with new swatches, the first one focused (Tab walks them).
pub fn open() {
    let Some((grid, opener)) = parts() else {
        return;
    };
    let doc = document();
    while let Some(old) = grid.query_selector("[data-act=swatch]").ok().flatten() {
        old.remove();
    }
    let custom = grid.first_element_child();
    for c in swatches(random) {
        let Some(b) = button(&doc, &grid, Act::Swatch, "") else {
            return;
        };
        let (wire, css) = (c.to_wire(), c.css());
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("class", "swatch");
        let _ = b.set_attribute("data-colour", &wire);
        let _ = b.set_attribute("aria-label", &css);
        let _ = b.set_attribute("style", &format!("background-color:{css}"));
        let _ = grid.insert_before(&b, custom.as_deref());
    }
    let _ = grid.remove_attribute("hidden");
    let _ = opener.set_attribute("aria-expanded", "true");
    if let Some(first) = grid.first_element_child() {
        let _ = first.unchecked_into::<HtmlElement>().focus();
    }
}

/// Closes it, if open; `refocus` puts the focus back on its button (after a pick or Escape,
/// so a keyboard reader goes on from there).
pub fn close(refocus: bool) {
    let Some((grid, opener)) = parts().filter(|(g, _)| !g.has_attribute("hidden")) else {
        return;
    };
    let _ = grid.set_attribute("hidden", "");
    let _ = opener.set_attribute("aria-expanded", "false");
    if refocus {
        let _ = opener.unchecked_into::<HtmlElement>().focus();
    }
}
