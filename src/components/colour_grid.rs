//! The colour picker: a swatch showing the reader's colour opens a grid of twelve freshly
//! shuffled colours, with the browser's own picker as the last cell for any other. Swatches are
//! made with plain DOM calls when the grid opens (docs/app.md, size); clicks reach the page's
//! one listener (`row_events`) by `data-act`; the swatch takes the colour in
//! `filter_bar::decorate`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::browser::random;
use crate::color::Rgb;

const GRID: &str = "colour-grid";
const SWATCHES: usize = 12;
/// Opens and closes the grid.
pub const TOGGLE: &str = "colours";
/// One swatch; its colour is in `data-color`.
pub const PICK: &str = "colour";

#[component]
pub fn ColourGrid(color: RwSignal<String>) -> impl IntoView {
    let hex = Signal::derive(move || {
        Rgb::from_wire(&color.get())
            .map(Rgb::to_hex)
            .unwrap_or_default()
    });
    view! {
        <div class="field colour">
            <span id="colour-label">"Colour"</span>
            <button
                type="button"
                class="swatch"
                data-act=TOGGLE
                data-testid="color-button"
                aria-labelledby="colour-label"
                aria-haspopup="true"
                aria-expanded="false"
                aria-controls=GRID
            ></button>
            <div id=GRID class="swatches" role="group" aria-label="Colours" data-testid="color-grid" hidden>
                <input
                    type="color"
                    data-testid="color-input"
                    aria-label="Any colour"
                    prop:value=hex
                    on:input=move |ev| {
                        if let Some(c) = Rgb::from_hex(&event_target_value(&ev)) {
                            color.set(c.to_wire());
                        }
                    }
                />
            </div>
        </div>
    }
}

/// Twelve colours around the wheel from a random start, in a random order.
pub fn palette(random: impl Fn() -> f64) -> Vec<Rgb> {
    let start = random();
    let mut hues: Vec<f64> = (0..SWATCHES)
        .map(|i| {
            let h = start + i as f64 / SWATCHES as f64;
            if h >= 1.0 {
                h - 1.0
            } else {
                h
            }
        })
        .collect();
    for i in (1..hues.len()).rev() {
        let j = ((random() * (i + 1) as f64) as usize).min(i);
        hues.swap(i, j);
    }
    hues.into_iter().map(Rgb::pleasant).collect()
}

fn grid() -> Option<Element> {
    document().get_element_by_id(GRID)
}

fn opener() -> Option<HtmlElement> {
    let b = document().query_selector(".swatch").ok()??;
    Some(b.unchecked_into())
}

/// Opens the grid with new swatches, or closes it.
pub fn toggle() {
    let Some(grid) = grid() else {
        return;
    };
    if !grid.has_attribute("hidden") {
        close(true);
        return;
    }
    let doc = document();
    while let Some(old) = grid.query_selector("button").ok().flatten() {
        old.remove();
    }
    let any = grid.first_element_child();
    for (i, c) in palette(random).into_iter().enumerate() {
        let Ok(b) = doc.create_element("button") else {
            return;
        };
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("data-act", PICK);
        let _ = b.set_attribute("data-color", &c.to_wire());
        let _ = b.set_attribute("aria-label", &format!("Colour {} of {SWATCHES}", i + 1));
        let _ = b.set_attribute("style", &format!("background:{}", c.css()));
        let _ = grid.insert_before(&b, any.as_ref().map(AsRef::as_ref));
    }
    let _ = grid.remove_attribute("hidden");
    if let Some(o) = opener() {
        let _ = o.set_attribute("aria-expanded", "true");
    }
    if let Some(first) = grid.first_element_child() {
        let _ = first.unchecked_into::<HtmlElement>().focus();
    }
}

/// Closes the grid; false when it was not open. With `refocus`, focus goes back to the swatch.
pub fn close(refocus: bool) -> bool {
    let Some(grid) = grid().filter(|g| !g.has_attribute("hidden")) else {
        return false;
    };
    let _ = grid.set_attribute("hidden", "");
    if let Some(o) = opener() {
        let _ = o.set_attribute("aria-expanded", "false");
        if refocus {
            let _ = o.focus();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn twelve_different_readable_colours_in_a_shuffled_order() {
        let seq = [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.8, 0.4, 0.6, 0.0, 0.95, 0.35];
        let at = Cell::new(0);
        let next = || {
            let v = seq[at.get() % seq.len()];
            at.set(at.get() + 1);
            v
        };
        let colours = palette(next);
        assert_eq!(colours.len(), SWATCHES);
        let mut wire: Vec<String> = colours.iter().map(|c| c.to_wire()).collect();
        let in_order: Vec<String> = (0..SWATCHES)
            .map(|i| {
                let h = 0.3 + i as f64 / 12.0;
                Rgb::pleasant(if h >= 1.0 { h - 1.0 } else { h }).to_wire()
            })
            .collect();
        assert_ne!(wire, in_order, "shuffled");
        wire.sort();
        wire.dedup();
        assert_eq!(wire.len(), SWATCHES, "all different");
        for c in &colours {
            assert_eq!(c.readable(), *c, "each is readable on the page");
        }
    }
}
