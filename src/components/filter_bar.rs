use leptos::html::Div;
use leptos::prelude::*;
use web_sys::{Document, Element};

use crate::components::act::Act;
use crate::components::notice;
use crate::model::alerts::{Alerts, Rule, Sound};
use crate::model::color::display_css;
use crate::model::conversation::{ColorChoice, Conversation};
use crate::model::filter::{Channel, Filters};
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
        let alerts = state.alerts.get();
        state.lens.with(|l| {
            if let Some(bar) = bar {
                render(&bar, l.channel, &l.filters, &alerts);
                if let Some(t) = &talk {
                    banner(&bar, t);
                }
            }
            // The first time only tidies the link the page was opened with.
            url_state::write(l, talk.as_ref(), first.is_none());
        });
    });
}

/// Every text is a text node, never markup.
#[inline(never)]
fn render(el: &Element, channel: Channel, f: &Filters, alerts: &Alerts) {
    el.set_text_content(None);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for (c, label, testid) in [
        (Channel::Human, "Human", "channel-human"),
        (Channel::Ai, "AI", "channel-ai"),
        (Channel::All, "Both", "channel-all"),
    ] {
        if let Some(b) = button(&doc, el, Act::Channel(c), label) {
            let _ = b.set_attribute("data-testid", testid);
            let _ = b.set_attribute("aria-pressed", if c == channel { "true" } else { "false" });
        }
    }
    if f.is_empty() {
        return;
    }
    // On or off is `aria-pressed` (styled), so the label stays put.
    if let Some(b) = button(&doc, el, Act::ToggleFilters, "Filters") {
        let _ = b.set_attribute("data-testid", "filter-toggle");
        let _ = b.set_attribute("aria-pressed", if f.active { "true" } else { "false" });
    }
    for (i, chip) in f.chips().iter().enumerate() {
        // A blocked rule reads "−word": distinct on screen and to a screen reader.
        let sign = if chip.negative { "−" } else { "" };
        let text = format!("{sign}{} ✕", chip.label);
        let Some(b) = button(&doc, el, Act::RemoveChip(i), &text) else {
            return;
        };
        let _ = b.set_attribute("class", if sign.is_empty() { "chip" } else { "chip neg" });
        // A chip that can ring: its menu (right-click, long-press, the context-menu key)
        // chooses the sound; bold (`unread`) while a match waits to be looked at.
        if let Some(rule) = Rule::of_chip(f, i) {
            let sound = alerts.sound_of(&rule).map_or("Silent", Sound::name);
            let _ = b.set_attribute("data-alert", sound);
            let _ = b.set_attribute(
                "title",
                &format!("Alert: {sound} (open its menu to change)"),
            );
            if alerts.is_unread(&rule) {
                let _ = b.set_attribute("class", "chip unread");
            }
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
    if let Some(b) = button(&doc, &el, Act::Leave, "Leave") {
        let _ = b.set_attribute("data-testid", "conversation-leave");
        let _ = b.set_attribute("aria-label", "Leave conversation");
    }
    let _ = bar.insert_before(&el, bar.first_child().as_ref());
}

/// A `<button data-act=…>` appended to `parent`.
pub fn button(doc: &Document, parent: &Element, act: Act, text: &str) -> Option<Element> {
    // Not in a form, so a plain button needs no `type`.
    let b = doc.create_element("button").ok()?;
    let _ = b.set_attribute("data-act", &act.attr());
    b.set_text_content(Some(text));
    parent.append_child(&b).ok()?;
    Some(b)
}
