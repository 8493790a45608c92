//! The video drawer (the original's 9:16 panel beside the stream): videos from a manifest,
//! random one after another or one looped, under a colour overlay in the reader's colour
//! (opacity, blend mode) at a chosen brightness; "Share this video" puts `[video:<key>]` into
//! the message box, and such a comment's "▶ video" plays it here for every reader.
//!
//! The markup is static; the settings (`state.drawer`, remembered) are applied with DOM calls,
//! and the video playing is the `<video>`'s own `data-key` (docs/app.md, size). The manifest is
//! read the first time the drawer opens, so readers who never open it never fetch it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlVideoElement};

use crate::browser::{focus_id, listen, random};
use crate::components::act::VideoAct;
use crate::model::video::{next, share_text, Drawer, BLENDS, MAX_BRIGHTNESS};
use crate::state::StreamState;
use crate::sync::prefs::Prefs;
use crate::sync::Stream;

#[component]
pub fn VideoDrawer() -> impl IntoView {
    view! {
        <aside id="drawer" class="drawer" aria-label="Videos" data-testid="video-drawer" hidden>
            <div class="screen">
                <video id="video" muted playsinline preload="auto" data-testid="video"></video>
                <div id="video-overlay" class="video-overlay"></div>
            </div>
            <div class="drawer-bar">
                <button type="button" data-act="v:next">"Next"</button>
                <button type="button" data-act="v:loop" aria-pressed="false">"Loop"</button>
                <button type="button" data-act="v:share">"Share this video"</button>
                <button
                    type="button"
                    data-act="v:settings"
                    aria-expanded="false"
                    aria-controls="video-settings"
                >
                    "Settings"
                </button>
                <button type="button" data-act="drawer" aria-label="Close video area">"✕"</button>
            </div>
            <div id="video-settings" class="video-settings" hidden>
                <label><input type="checkbox" id="v-overlay" />" Colour overlay"</label>
                <label>"Opacity" <input type="range" id="v-opacity" min="0" max="100" step="5" /></label>
                <label>"Blend" <select id="v-blend"></select></label>
                <label>"Brightness" <input type="range" id="v-brightness" min="10" max="150" step="5" /></label>
            </div>
            <p id="video-note" class="video-note" role="status"></p>
        </aside>
    }
}

fn by_id(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

fn video() -> Option<HtmlVideoElement> {
    by_id("video")?.dyn_into().ok()
}

fn note(text: &str) {
    if let Some(n) = by_id("video-note") {
        n.set_text_content(Some(text));
    }
}

/// The settings from this browser, applied whenever they change, and saved; the manifest read
/// when the drawer is open (now or later); a video chosen whenever one should play.
pub fn follow(state: StreamState, prefs: Prefs, stream: StoredValue<Stream, LocalStorage>) {
    state.drawer.set(Drawer::decode(&prefs.drawer()));
    // Once, after the view is in the page: the blend menu's options and the end of a video.
    Effect::new(move || {
        if let Some(select) = by_id("v-blend") {
            for (i, b) in BLENDS.iter().enumerate() {
                if let Ok(o) = document().create_element("option") {
                    let _ = o.set_attribute("value", &i.to_string());
                    o.set_text_content(Some(b));
                    let _ = select.append_child(&o);
                }
            }
        }
        if let Some(v) = video() {
            listen(v.into(), &["ended"], move |_| {
                if !state.drawer.with_untracked(|d| d.looped) {
                    play_next(state);
                }
            });
        }
    });
    Effect::new(move || {
        let d = state.drawer.get();
        prefs.set_drawer(&d.encode());
        apply(&d);
        if d.open && state.videos.with_untracked(Vec::is_empty) {
            load(stream);
        }
    });
    // The manifest arrived, or the drawer opened with it read: play what was asked, or any.
    Effect::new(move || {
        let open = state.drawer.with(|d| d.open);
        let have = !state.videos.with(Vec::is_empty);
        if let (true, true, Some(v)) = (open, have, video()) {
            if v.get_attribute("data-key").is_none() {
                match v.get_attribute("data-want") {
                    Some(key) => play_key(state, &key),
                    None => play_next(state),
                }
            }
        } else if let (false, Some(v)) = (open, video()) {
            let _ = v.pause();
        }
    });
}

/// Reads the manifest, once at a time (`data-loading` on the drawer).
fn load(stream: StoredValue<Stream, LocalStorage>) {
    let Some(drawer) = by_id("drawer").filter(|d| !d.has_attribute("data-loading")) else {
        return;
    };
    let _ = drawer.set_attribute("data-loading", "");
    note("Loading videos…");
    stream.with_value(|s| {
        s.load_videos(move |ok| {
            let _ = drawer.remove_attribute("data-loading");
            note(if ok {
                ""
            } else {
                "No videos to show: the video list could not be read."
            });
        })
    });
}

fn apply(d: &Drawer) {
    let set = |id: &str, name: &str, value: &str| {
        if let Some(el) = by_id(id) {
            let _ = el.set_attribute(name, value);
        }
    };
    let yes = |b: bool| if b { "true" } else { "false" };
    if let Some(drawer) = by_id("drawer") {
        let _ = drawer.toggle_attribute_with_force("hidden", !d.open);
    }
    if let Ok(Some(b)) = document().query_selector(".top [data-act=drawer]") {
        let _ = b.set_attribute("aria-pressed", yes(d.open));
    }
    if let Ok(Some(b)) = document().query_selector("[data-act='v:loop']") {
        let _ = b.set_attribute("aria-pressed", yes(d.looped));
    }
    if let Some(v) = video() {
        v.set_loop(d.looped);
        let _ = web_sys::HtmlElement::style(&v)
            .set_property("filter", &format!("brightness({}%)", d.brightness));
    }
    let overlay = format!(
        "opacity:{}%;mix-blend-mode:{}{}",
        d.opacity,
        d.blend_mode(),
        if d.overlay { "" } else { ";display:none" }
    );
    set("video-overlay", "style", &overlay);
    let input = |id: &str| by_id(id).and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
    if let Some(i) = input("v-overlay") {
        i.set_checked(d.overlay);
    }
    for (id, n) in [("v-opacity", d.opacity), ("v-brightness", d.brightness)] {
        if let Some(i) = input(id) {
            i.set_value(&n.to_string());
        }
    }
    if let Some(s) = by_id("v-blend").and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        s.set_value(&d.blend.to_string());
    }
}

fn play_key(state: StreamState, key: &str) {
    let i = state
        .videos
        .with_untracked(|v| v.iter().position(|x| x.key == key));
    match i {
        Some(i) => play(state, i),
        None => {
            note("That video is not in the list.");
            play_next(state);
        }
    }
}

fn play_next(state: StreamState) {
    let now = video().and_then(|v| v.get_attribute("data-key"));
    let (count, at) = state
        .videos
        .with_untracked(|v| (v.len(), now.and_then(|k| v.iter().position(|x| x.key == k))));
    if let Some(i) = next(count, at, random()) {
        play(state, i);
    }
}

fn play(state: StreamState, i: usize) {
    let (Some(v), Some(pick)) = (video(), state.videos.with_untracked(|v| v.get(i).cloned()))
    else {
        return;
    };
    let _ = v.remove_attribute("data-want");
    let _ = v.set_attribute("data-key", &pick.key);
    v.set_src(&pick.url);
    // Muted, so the browser lets it start without a click; a refusal leaves it paused.
    let _ = v.play();
}

/// What a drawer button (or a comment's "▶ video", `button`) asks.
pub fn act(what: VideoAct, button: Option<&Element>, state: StreamState) {
    match what {
        VideoAct::Next => play_next(state),
        VideoAct::Loop => state.drawer.update(|d| d.looped = !d.looped),
        VideoAct::Share => {
            if let Some(key) = video().and_then(|v| v.get_attribute("data-key")) {
                state
                    .draft
                    .update(|d| *d = format!("{}{}", share_text(&key), d.trim_start()));
                focus_id("comment-input");
            }
        }
        VideoAct::Settings => {
            if let Some(panel) = by_id("video-settings") {
                let open = panel.toggle_attribute("hidden").is_ok_and(|hidden| !hidden);
                if let Some(b) = button {
                    let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
                }
            }
        }
        VideoAct::Play => {
            let Some(key) = button.and_then(|b| b.get_attribute("data-key")) else {
                return;
            };
            if state.videos.with_untracked(Vec::is_empty) {
                if let Some(v) = video() {
                    let _ = v.set_attribute("data-want", &key);
                }
            } else {
                play_key(state, &key);
            }
            // A shared video is shown as the sharer chose it: looped.
            state.drawer.update(|d| {
                d.open = true;
                d.looped = true;
            });
        }
    }
}

/// A settings field changed (`v-…`): the drawer's settings follow. False for other fields.
pub fn on_input(target: &Element, state: StreamState) -> bool {
    let id = target.id();
    let Some(field) = id.strip_prefix("v-") else {
        return false;
    };
    // An input's or a select's `value` (read as a property: the two are different classes).
    let value = js_sys::Reflect::get(target, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .and_then(|v| v.parse::<u32>().ok());
    let checked = target
        .dyn_ref::<HtmlInputElement>()
        .is_some_and(|i| i.checked());
    state.drawer.update(|d| match (field, value) {
        ("overlay", _) => d.overlay = checked,
        ("opacity", Some(n)) => d.opacity = n.min(100),
        ("blend", Some(n)) if (n as usize) < BLENDS.len() => d.blend = n as usize,
        ("brightness", Some(n)) => d.brightness = n.clamp(1, MAX_BRIGHTNESS),
        _ => {}
    });
    true
}
