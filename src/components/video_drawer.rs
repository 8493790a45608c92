//! The video drawer's place in the page: a panel beside the stream (the top of the column on
//! narrow screens) holding a frame with the drawer's own page (`src/drawer/`, its own wasm),
//! made the first time the reader opens it. Open or closed is remembered.
//!
//! The frame (same origin) tells the page by events on the page's document, which the page's
//! one document listener reads (`row_events`): `sww-share` with a key (the page puts
//! `[video:<key>]` into the message box) and `sww-close`. The page asks for a video (a
//! comment's "▶ video") by the frame's hash, `#play=<key>`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlIFrameElement};

use crate::browser::focus_id;
use crate::model::video::{is_key, share_text};
use crate::state::StreamState;
use crate::sync::prefs::Prefs;

/// Where the drawer's page is served (`make app` builds it into dist/drawer/).
const PAGE: &str = "/drawer/";

#[component]
pub fn VideoDrawer() -> impl IntoView {
    view! { <aside id="drawer" class="drawer" aria-label="Videos" data-testid="video-drawer" hidden></aside> }
}

fn panel() -> Option<Element> {
    document().get_element_by_id("drawer")
}

fn frame() -> Option<HtmlIFrameElement> {
    panel()?.first_element_child()?.dyn_into().ok()
}

/// The frame, made (showing `src`) when there is none yet.
fn ensure_frame(src: &str) {
    let Some(p) = panel().filter(|_| frame().is_none()) else {
        return;
    };
    if let Ok(f) = document().create_element("iframe") {
        let _ = f.set_attribute("title", "Videos");
        let _ = f.set_attribute("data-testid", "video-frame");
        let _ = f.set_attribute("src", src);
        let _ = p.append_child(&f);
    }
}

/// Open or closed, from this browser and back into it; the frame made on the first opening.
pub fn follow(state: StreamState, prefs: Prefs) {
    state.drawer_open.set(prefs.drawer_open());
    Effect::new(move || {
        let open = state.drawer_open.get();
        prefs.set_drawer_open(open);
        if let Some(p) = panel() {
            let _ = p.toggle_attribute_with_force("hidden", !open);
        }
        if open {
            ensure_frame(PAGE);
        }
        if let Ok(Some(b)) = document().query_selector(".top [data-act=drawer]") {
            let _ = b.set_attribute("aria-pressed", if open { "true" } else { "false" });
        }
    });
}

/// The drawer's "Share this video": the key into the message box, ready to send.
pub fn shared(key: &str, state: StreamState) {
    if is_key(key) {
        state
            .draft
            .update(|d| *d = format!("{}{}", share_text(key), d.trim_start()));
        focus_id("comment-input");
    }
}

/// A comment's "▶ video" (`button` carries the key): the drawer opens and plays it.
pub fn play(button: Option<&Element>, state: StreamState) {
    let Some(key) = button
        .and_then(|b| b.get_attribute("data-key"))
        .filter(|k| is_key(k))
    else {
        return;
    };
    // A frame already there only changes its hash (no reload); a new one starts with it. The
    // same key asked again must still change the hash, or the drawer would not hear it.
    let src = format!("{PAGE}#play={key}");
    match frame() {
        Some(f) => {
            if f.src().ends_with(&src) {
                // An empty fragment: still the same document (no fragment would reload it).
                f.set_src(&format!("{PAGE}#"));
            }
            f.set_src(&src);
        }
        None => ensure_frame(&src),
    }
    state.drawer_open.set(true);
}
