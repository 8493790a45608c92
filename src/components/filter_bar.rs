use leptos::html::Div;
use leptos::prelude::*;
use web_sys::{Document, Element};

use crate::filter::Filters;
use crate::state::StreamState;

/// The active filters as removable chips, and a switch that turns them all off and on without
/// forgetting them. Hidden while there are none. Clicks are handled by the page's one
/// listener (`row_events`), by each button's `data-act`.
///
/// Built with plain DOM calls: reactive attributes and a reactive list of buttons would cost
/// kilobytes of rendering code for a handful of buttons (docs/app.md, size).
#[component]
pub fn FilterBar() -> impl IntoView {
    view! { <div class="filters" data-testid="filter-bar" role="group" aria-label="Filters" hidden></div> }
}

/// Draws the bar again whenever the filters change. `sibling` is the element right after the
/// bar (the stream's scroller, whose node the list already holds: a second node reference
/// costs more of the download than this).
pub fn follow(state: StreamState, sibling: NodeRef<Div>) {
    Effect::new(move |_| {
        let filters = state.lens.with(|l| l.filters.clone());
        let bar = sibling.get().and_then(|el| el.previous_element_sibling());
        if let Some(bar) = bar {
            render(&bar, &filters);
        }
    });
}

/// Every text is a text node, never markup.
#[inline(never)]
fn render(el: &Element, f: &Filters) {
    el.set_text_content(None);
    if f.is_empty() {
        let _ = el.set_attribute("hidden", "");
        return;
    }
    let _ = el.remove_attribute("hidden");
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let label = if f.active {
        "Filters on"
    } else {
        "Filters off"
    };
    if let Some(b) = button(&doc, el, "toggle", label) {
        let _ = b.set_attribute("data-testid", "filter-toggle");
        let _ = b.set_attribute("aria-pressed", if f.active { "true" } else { "false" });
    }
    for (i, chip) in f.chips().iter().enumerate() {
        // A blocked rule reads "−word": distinct on screen and to a screen reader.
        let sign = if chip.negative { "−" } else { "" };
        let text = format!("{sign}{} ✕", chip.label);
        let Some(b) = button(&doc, el, &i.to_string(), &text) else {
            return;
        };
        let _ = b.set_attribute("class", if sign.is_empty() { "chip" } else { "chip neg" });
    }
}

/// A `<button data-act=…>` appended to `parent`.
pub fn button(doc: &Document, parent: &Element, act: &str, text: &str) -> Option<Element> {
    let b = doc.create_element("button").ok()?;
    let _ = b.set_attribute("type", "button");
    let _ = b.set_attribute("data-act", act);
    b.set_text_content(Some(text));
    parent.append_child(&b).ok()?;
    Some(b)
}
