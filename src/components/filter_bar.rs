use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::alerts::{Alerts, Watch};
use crate::color::display_css;
use crate::components::notice;
use crate::conversation::{ColorChoice, Conversation};
use crate::filter::{Channel, Filters};
use crate::state::StreamState;
use crate::url_state;

/// The channel (Human, AI, both), the active filters as removable chips, and a switch that
/// turns the filters off and on without forgetting them (shown while there are any). Clicks are handled by the page's one
/// listener (`row_events`), by each button's `data-act`.
///
/// Built with plain DOM calls: reactive attributes and a reactive list of buttons would cost
/// kilobytes of rendering code for a handful of buttons (docs/app.md, size).
#[component]
pub fn FilterBar() -> impl IntoView {
    view! { <div class="filters" data-testid="filter-bar"></div> }
}

/// Draws the bar again whenever the channel or the filters change, and the notice before it
/// whenever that changes. `sibling` is the element right after the tools row (the stream's scroller,
/// whose node the list already holds: a node reference or an effect of their own costs more
/// of the download than this).
pub fn follow(state: StreamState, sibling: NodeRef<Div>) {
    Effect::new(move |first: Option<()>| {
        let tools = sibling.get().and_then(|el| el.previous_element_sibling());
        let bar = tools.as_ref().and_then(|t| t.first_element_child());
        let note = tools.as_ref().and_then(|b| b.previous_element_sibling());
        if let Some(note) = note {
            state.notice.with(|n| notice::show(&note, *n));
        }
        let talk = state.conversation.get();
        if let Some(app) = tools
            .as_ref()
            .and_then(|t| t.closest(".app").ok().flatten())
        {
            decorate(&app, state, first.is_none());
        }
        state.lens.with(|l| {
            if let Some(bar) = bar {
                state
                    .alerts
                    .with(|a| render(&bar, l.channel, &l.filters, a));
                if let Some(t) = &talk {
                    banner(&bar, t);
                }
            }
            // The first time only tidies the link the page was opened with.
            url_state::write(l, talk.as_ref(), first.is_none());
        });
    });
}

/// What follows the reader's colour and the domain switch outside the bar: the page's tint,
/// the composer's swatch, the title's light (plain DOM calls, like the bar). The first time it
/// also puts the focus in the message box, where a keyboard is at hand (on a phone it would
/// raise the on-screen keyboard over the stream).
#[inline(never)]
fn decorate(app: &Element, state: StreamState, first: bool) {
    let css = display_css(Some(&state.color.get()));
    let _ = app.set_attribute("style", &format!("--accent:{css}"));
    let find = |s: &str| app.query_selector(s).ok().flatten();
    if let Some(swatch) = find(".swatch") {
        let _ = swatch.set_attribute("style", &format!("background:{css}"));
    }
    if let Some(title) = find(".title") {
        let on = state.lens.with(|l| l.domain.is_some());
        let _ = title.set_attribute("aria-pressed", if on { "true" } else { "false" });
    }
    if first && !crate::browser::is_touch_first() {
        if let Some(input) = find("#comment-input") {
            let _ = input.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }
}

/// Every text is a text node, never markup.
#[inline(never)]
fn render(el: &Element, channel: Channel, f: &Filters, alerts: &Alerts) {
    el.set_text_content(None);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for (c, act, label, testid) in [
        (Channel::Human, "mt:human", "Human", "channel-human"),
        (Channel::Ai, "mt:AI", "AI", "channel-ai"),
        (Channel::All, "mt:ALL", "Both", "channel-all"),
    ] {
        if let Some(b) = button(&doc, el, act, label) {
            let _ = b.set_attribute("data-testid", testid);
            let _ = b.set_attribute("aria-pressed", if c == channel { "true" } else { "false" });
        }
    }
    if f.is_empty() {
        return;
    }
    // On or off is `aria-pressed` (styled), so the label stays put.
    if let Some(b) = button(&doc, el, "toggle", "Filters") {
        let _ = b.set_attribute("data-testid", "filter-toggle");
        let _ = b.set_attribute("aria-pressed", if f.active { "true" } else { "false" });
    }
    for (i, chip) in f.chips().iter().enumerate() {
        // A blocked rule reads "−word": distinct on screen and to a screen reader.
        let sign = if chip.negative { "−" } else { "" };
        let watch = Watch::of_chip(f, i);
        let sound = watch.as_ref().and_then(|w| alerts.sound_of(w));
        let bell = if sound.is_some() { "🔔 " } else { "" };
        let text = format!("{bell}{sign}{} ✕", chip.label);
        let Some(b) = button(&doc, el, &i.to_string(), &text) else {
            return;
        };
        let unread = watch.as_ref().is_some_and(|w| alerts.is_unread(w));
        let class = match (sign.is_empty(), unread) {
            (false, _) => "chip neg",
            (true, false) => "chip",
            (true, true) => "chip unread",
        };
        let _ = b.set_attribute("class", class);
        if watch.is_some() {
            let about = match sound {
                Some(s) => format!("Alert: {}. Right-click to change", s.label()),
                None => "Right-click for an alert sound".to_owned(),
            };
            let _ = b.set_attribute("title", &about);
        }
    }
}

/// "Talking with <name in its colour>" and a button that leaves the conversation, first in the
/// bar. The name is a text node.
#[inline(never)]
fn banner(bar: &Element, talk: &Conversation) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(el), Ok(who)) = (doc.create_element("div"), doc.create_element("span")) else {
        return;
    };
    let _ = el.set_attribute("class", "talk");
    let _ = el.set_attribute("data-testid", "conversation");
    let _ = el.set_attribute("data-entity", talk.entity.as_deref().unwrap_or(""));
    el.set_text_content(Some("Talking with "));
    let color = match &talk.ais {
        Some((_, ColorChoice::Fixed(c))) => Some(c.as_str()),
        _ => None,
    };
    let _ = who.set_attribute("class", "partner");
    let _ = who.set_attribute("data-color", color.unwrap_or(""));
    let _ = who.set_attribute("style", &format!("color:{}", display_css(color)));
    who.set_text_content(talk.partner());
    let _ = el.append_child(&who);
    if let Some(b) = button(&doc, &el, "leave", "Leave") {
        let _ = b.set_attribute("data-testid", "conversation-leave");
        let _ = b.set_attribute("aria-label", "Leave conversation");
    }
    let _ = bar.insert_before(&el, bar.first_child().as_ref());
}

/// A `<button data-act=…>` appended to `parent`.
pub fn button(doc: &Document, parent: &Element, act: &str, text: &str) -> Option<Element> {
    // Not in a form, so a plain button needs no `type`.
    let b = doc.create_element("button").ok()?;
    let _ = b.set_attribute("data-act", act);
    b.set_text_content(Some(text));
    parent.append_child(&b).ok()?;
    Some(b)
}
