//! The video drawer (`/drawer/`, the original's 9:16 panel beside the stream): its own small
//! wasm binary (`src/bin/drawer.rs`) that the readers' page shows in a frame the first time the
//! reader opens it, so readers who never do never download it, nor the manifest.
//!
//! Videos come from a manifest (`config::VIDEO_MANIFEST`), random one after another or one
//! looped, under an overlay in the reader's colour (opacity, blend mode) at a chosen
//! brightness; the settings are remembered. The drawer tells the page (same origin) by events on
//! the page's document: `sww-share` with the key ("Share this video": the page puts
//! `[video:<key>]` into the message box) and `sww-close`; the page asks for a video by the
//! frame's hash (`#play=<key>`, a comment's "▶ video"). The reader's colour is read from localStorage
//! and followed by its `storage` events.

use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    CustomEvent, CustomEventInit, Element, Event, HtmlInputElement, HtmlSelectElement,
    HtmlVideoElement,
};

use saywhatwant::browser::{listen, random, set_root_style, value_of};
use saywhatwant::config::{Settings, VIDEO_MANIFEST};
use saywhatwant::model::color::display_css;
use saywhatwant::model::video::{is_key, next, Drawer, Video, BLENDS, MAX_BRIGHTNESS};
use saywhatwant::sync::api::Api;
use saywhatwant::sync::prefs::Prefs;

#[derive(Clone, Copy)]
struct Drawn {
    drawer: RwSignal<Drawer>,
    videos: RwSignal<Vec<Video>>,
}

#[component]
pub fn DrawerPage() -> impl IntoView {
    let settings = Settings::default();
    let prefs = Prefs::new(&settings.storage_prefix);
    let d = Drawn {
        drawer: RwSignal::new(Drawer::decode(&prefs.drawer())),
        videos: RwSignal::new(Vec::new()),
    };
    let api = Api::new(&settings.api_base, settings.request_timeout_ms);
    spawn(api, d);
    tint(&prefs);
    let window: web_sys::EventTarget = window().into();
    let keep = prefs.clone();
    listen(window, &["storage", "hashchange"], move |ev: Event| {
        if ev.type_() == "storage" {
            tint(&keep);
        } else {
            play_wanted(d);
        }
    });
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            hook(d);
        }
        let s = d.drawer.get();
        prefs.set_drawer(&s.encode());
        apply(&s);
        if d.videos.with(|v| !v.is_empty()) && video().is_some_and(|v| !v.has_attribute("data-key"))
        {
            if wanted().is_some() {
                play_wanted(d);
            } else {
                play_next(d);
            }
        }
    });
    view! {
        <main
            class="drawer"
            aria-label="Videos"
            on:click=move |ev| on_click(&ev, d)
            on:input=move |ev| on_input(&ev, d)
        >
            <div class="screen">
                <video id="video" muted playsinline preload="auto" data-testid="video"></video>
                <div id="video-overlay" class="video-overlay"></div>
            </div>
            <div class="drawer-bar">
                <button type="button" data-v="next">"Next"</button>
                <button type="button" data-v="loop" aria-pressed="false">"Loop"</button>
                <button type="button" data-v="share">"Share this video"</button>
                <button type="button" data-v="settings" aria-expanded="false" aria-controls="video-settings">
                    "Settings"
                </button>
                <button type="button" data-v="close" aria-label="Close video area">"✕"</button>
            </div>
            <div id="video-settings" class="video-settings" hidden>
                <label><input type="checkbox" id="v-overlay" />" Colour overlay"</label>
                <label>"Opacity" <input type="range" id="v-opacity" min="0" max="100" step="5" /></label>
                <label>"Blend" <select id="v-blend"></select></label>
                <label>"Brightness" <input type="range" id="v-brightness" min="10" max="150" step="5" /></label>
            </div>
            <p id="video-note" class="video-note" role="status"></p>
        </main>
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

/// The overlay in the reader's colour, as the page shows their name.
fn tint(prefs: &Prefs) {
    set_root_style("--me", &display_css(prefs.color().as_deref()));
}

/// Reads the manifest.
fn spawn(api: Api, d: Drawn) {
    note("Loading videos…");
    leptos::task::spawn_local(async move {
        match api.videos(VIDEO_MANIFEST).await {
            Ok(v) if !v.is_empty() => {
                note("");
                d.videos.set(v);
            }
            _ => note("No videos to show: the video list could not be read."),
        }
    });
}

/// The first time, once the view is in the page: the blend menu's options and the end of a
/// video (`ended` does not bubble; the handler lives as long as the page).
fn hook(d: Drawn) {
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
        let ended = Closure::<dyn FnMut()>::new(move || {
            if d.drawer.try_with_untracked(|s| s.looped) == Some(false) {
                play_next(d);
            }
        });
        v.set_onended(Some(ended.as_ref().unchecked_ref()));
        ended.forget();
    }
}

fn apply(d: &Drawer) {
    let yes = |b: bool| if b { "true" } else { "false" };
    if let Ok(Some(b)) = document().query_selector("[data-v=loop]") {
        let _ = b.set_attribute("aria-pressed", yes(d.looped));
    }
    if let Some(v) = video() {
        v.set_loop(d.looped);
        let _ = web_sys::HtmlElement::style(&v)
            .set_property("filter", &format!("brightness({}%)", d.brightness));
    }
    if let Some(o) = by_id("video-overlay") {
        let hide = if d.overlay { "" } else { ";display:none" };
        let css = format!(
            "opacity:{}%;mix-blend-mode:{}{hide}",
            d.opacity,
            d.blend_mode()
        );
        let _ = o.set_attribute("style", &css);
    }
    let input = |id: &str| by_id(id).and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
    if let Some(i) = input("v-overlay") {
        i.set_checked(d.overlay);
    }
    for (id, n) in [("v-opacity", d.opacity), ("v-brightness", d.brightness)] {
        if let Some(i) = input(id) {
            i.set_value(&n.to_string());
        }
    }
    if let Some(s) = by_id("v-blend").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()) {
        s.set_value(&d.blend.to_string());
    }
}

/// The key the page asked for (`#play=<key>`), if any.
fn wanted() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let key = hash.strip_prefix("#play=")?;
    is_key(key).then(|| key.to_owned())
}

/// Plays what the page asked for, looped (a shared video is shown as the sharer chose it).
fn play_wanted(d: Drawn) {
    let Some(key) = wanted() else {
        return;
    };
    let i = d
        .videos
        .with_untracked(|v| v.iter().position(|x| x.key == key));
    match i {
        Some(i) => {
            d.drawer.update(|s| s.looped = true);
            play(d, i);
        }
        None if d.videos.with_untracked(Vec::is_empty) => {} // played when the list arrives
        None => {
            note("That video is not in the list.");
            play_next(d);
        }
    }
}

fn play_next(d: Drawn) {
    let now = video().and_then(|v| v.get_attribute("data-key"));
    let (count, at) = d
        .videos
        .with_untracked(|v| (v.len(), now.and_then(|k| v.iter().position(|x| x.key == k))));
    if let Some(i) = next(count, at, random()) {
        play(d, i);
    }
}

fn play(d: Drawn, i: usize) {
    let (Some(v), Some(pick)) = (video(), d.videos.with_untracked(|v| v.get(i).cloned())) else {
        return;
    };
    let _ = v.set_attribute("data-key", &pick.key);
    v.set_src(&pick.url);
    // Muted, so the browser lets it start without a click; a refusal leaves it paused.
    let _ = v.play();
}

/// Tells the page: an event on its document (`sww-share` with a key, `sww-close`), which only a
/// page of the same origin can receive.
fn tell(kind: &str, detail: &str) {
    let parent = window().parent().ok().flatten();
    let doc = parent.and_then(|p| p.document());
    let init = CustomEventInit::new();
    init.set_detail(&detail.into());
    if let (Some(doc), Ok(ev)) = (doc, CustomEvent::new_with_event_init_dict(kind, &init)) {
        let _ = doc.dispatch_event(&ev);
    }
}

fn on_click(ev: &web_sys::MouseEvent, d: Drawn) {
    let Some(b) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("[data-v]").ok().flatten())
    else {
        return;
    };
    match b.get_attribute("data-v").as_deref() {
        Some("next") => play_next(d),
        Some("loop") => d.drawer.update(|s| s.looped = !s.looped),
        Some("share") => {
            if let Some(key) = video().and_then(|v| v.get_attribute("data-key")) {
                tell("sww-share", &key);
            }
        }
        Some("settings") => {
            if let Some(panel) = by_id("video-settings") {
                let open = panel.toggle_attribute("hidden").is_ok_and(|hidden| !hidden);
                let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
            }
        }
        Some("close") => {
            if let Some(v) = video() {
                let _ = v.pause();
            }
            tell("sww-close", "");
        }
        _ => {}
    }
}

/// A settings field changed (`v-…`): the settings follow.
fn on_input(ev: &Event, d: Drawn) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let id = target.id();
    let value = value_of(&target).parse::<u32>().ok();
    let checked = target
        .dyn_ref::<HtmlInputElement>()
        .is_some_and(|i| i.checked());
    d.drawer.update(|s| match (id.as_str(), value) {
        ("v-overlay", _) => s.overlay = checked,
        ("v-opacity", Some(n)) => s.opacity = n.min(100),
        ("v-blend", Some(n)) if (n as usize) < BLENDS.len() => s.blend = n as usize,
        ("v-brightness", Some(n)) => s.brightness = n.clamp(1, MAX_BRIGHTNESS),
        _ => {}
    });
}
