use leptos::html::{Div, Ol};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::browser::listen;
use crate::components::filter_bar;
use crate::components::rows::{self, Row};
use crate::model::draft::new_messages_label;
use crate::model::scroll::{Anchor, Metrics, RowBox};
use crate::state::StreamState;
use crate::sync::Stream;

/// The scrolling stream: a bounded window of rows (see `viewport`), oldest at the top. It sticks
/// to the bottom while the reader is there and holds still while they read further up.
#[component]
pub fn MessageList(
    state: StreamState,
    stream: StoredValue<Stream, LocalStorage>,
    window_rows: usize,
    chunk_rows: usize,
    utc_offset_min: i32,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    filter_bar::follow(state, scroller);
    let anchor = state.anchor;
    let restoring = StoredValue::new(false);
    // Where the list last scrolled itself: the browser reports that scroll later, as an event.
    let ours = StoredValue::new(None::<i32>);

    // The window of the timeline, then the posts on their way (always newest).
    let list = NodeRef::<Ol>::new();
    let rows = move || {
        let mut rows: Vec<Row> = state.with_shown(|t| {
            let r = state.viewport.with(|v| v.range(t, window_rows));
            t.items()[r]
                .iter()
                .map(|c| {
                    let answered = c.reply_to.as_deref().and_then(|id| state.shown_comment(id));
                    Row::Posted(c.clone(), answered)
                })
                .collect()
        });
        state
            .outbox
            .with(|o| rows.extend(o.iter().cloned().map(Row::Unsent)));
        rows
    };
    let unseen = move || state.with_shown(|t| state.viewport.with(|v| v.unseen(t, window_rows)));
    let no_unseen = Signal::derive(move || unseen() == 0);
    let unseen_label = Signal::derive(move || new_messages_label(unseen()));
    let edge = Signal::derive(move || {
        if state.loading_older.get() {
            "Loading older comments…"
        } else if state.history_start.get() {
            "The start of what this browser has seen."
        } else {
            ""
        }
        .to_owned()
    });

    // After every change of the rows: draw them, then, once the browser has laid them out,
    // stick to the bottom while following, else put the row the reader was looking at back
    // where it was.
    Effect::new(move |_| {
        let rows = rows();
        if let Some(ol) = list.get_untracked() {
            rows::draw(&ol, &rows, state.now.get_untracked(), utc_offset_min);
        }
        // Until the next frame puts the reader back, a scroll event (the browser's own, after
        // rows came above) would pick the anchor from where the rows were pushed to.
        restoring.set_value(true);
        // By the next frame the list may be gone (unmounted): every access is a `try_`.
        request_animation_frame(move || {
            restoring.try_set_value(false);
            let Some(el) = scroller.try_get_untracked().flatten() else {
                return;
            };
            let el: &HtmlElement = el.as_ref();
            match state.viewport.try_with_untracked(|v| v.is_following()) {
                Some(true) => el.set_scroll_top(el.scroll_height()),
                Some(false) => {
                    let top = anchor
                        .try_with_value(|a| a.as_ref().and_then(|a| a.scroll_top(&row_boxes(el))));
                    if let Some(top) = top.flatten() {
                        el.set_scroll_top(top.round() as i32);
                    }
                }
                None => {}
            }
            ours.try_set_value(Some(el.scroll_top()));
        });
    });

    // Relative times move on as the clock ticks.
    Effect::new(move |_| {
        let now = state.now.get();
        if let Some(ol) = list.get_untracked() {
            rows::tick(&ol, now, utc_offset_min);
        }
    });

    // Heard on the document, as every other event of the page (`browser::listen`).
    listen(document().into(), &["scroll"], move |ev| {
        let Some(el) = scroller.try_get_untracked().flatten() else {
            return;
        };
        let el: &HtmlElement = el.as_ref();
        if ev.target().as_ref() != Some(el.as_ref()) {
            return;
        }
        let m = metrics(el);
        let Some(following) = state.viewport.try_with_untracked(|v| v.is_following()) else {
            return;
        };
        // Until the next frame puts the reader back, a scroll is the browser's own: rows came
        // or went above the reader's place, or the list's own last scroll arrives late. While
        // following, one to another place is the reader's, even in that frame.
        if restoring.try_get_value() == Some(true)
            && (!following || ours.try_get_value().flatten() == Some(el.scroll_top()))
        {
            return;
        }
        if following && m.at_bottom() {
            return;
        }
        // Where the reader is now: kept in place whatever the window does next.
        anchor.set_value(Anchor::pick(&row_boxes(el), f64::from(el.scroll_top())));
        if m.at_bottom() {
            state
                .viewport
                .update(|v| state.with_shown_untracked(|t| v.newer(t, window_rows, chunk_rows)));
        } else {
            if following {
                state
                    .viewport
                    .update(|v| state.with_shown_untracked(|t| v.freeze(t, window_rows)));
            }
            if m.near_top() {
                stream.with_value(|s| s.load_older());
            }
        }
    });

    view! {
        // The log role (new rows are announced) on the region, so the rows stay a list.
        <div class="scroller" node_ref=scroller tabindex="0" aria-label="Comments"
            role="log" aria-live="polite" aria-relevant="additions">
            <p class="edge">{edge}</p>
            // Its rows are drawn by `rows::draw`.
            <ol class="comments" data-testid="comments" node_ref=list></ol>
        </div>
        <button type="button" class="jump" data-testid="new-messages" hidden=no_unseen data-act="jump">
            {unseen_label}
        </button>
    }
}

fn metrics(el: &HtmlElement) -> Metrics {
    Metrics {
        top: f64::from(el.scroll_top()),
        height: f64::from(el.scroll_height()),
        client: f64::from(el.client_height()),
    }
}

/// Where each rendered row is, relative to the top of the list (the scroller is the rows'
/// offset parent: `position: relative` in the stylesheet).
fn row_boxes(scroller: &HtmlElement) -> Vec<RowBox> {
    let Ok(list) = scroller.query_selector_all("[data-testid=comment]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .map(|row| RowBox {
            id: row.get_attribute("data-id").unwrap_or_default(),
            top: f64::from(row.offset_top()),
            height: f64::from(row.offset_height()),
        })
        .collect()
}
