//! The few things the app asks of the browser itself: time, randomness, visibility, the
//! clipboard and downloads.

use leptos::prelude::{document, on_cleanup, StoredValue, UpdateValue};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Event, EventTarget, HtmlAnchorElement, Url};

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Minutes east of UTC, for local dates.
pub fn utc_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

pub fn random() -> f64 {
    js_sys::Math::random()
}

pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (random() * 256.0) as u8;
        }
    }
    bytes
}

pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// The bytes this origin stores, by the browser's own estimate (`navigator.storage`), when
/// the browser says.
pub async fn storage_usage() -> Option<f64> {
    let promise = web_sys::window()?.navigator().storage().estimate().ok()?;
    let estimate: web_sys::StorageEstimate = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .unchecked_into();
    estimate.get_usage()
}

/// Whether the browser believes it has a network (`navigator.onLine`).
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// The page's own origin (`http://127.0.0.1:8080`).
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The host name the page is served from, lowercase (the domain the server stamps on its posts).
pub fn host() -> String {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Sets a CSS custom property on the whole page (`:root`).
pub fn set_root_style(name: &str, value: &str) {
    let root = document().document_element();
    if let Some(root) = root.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = root.style().set_property(name, value);
    }
}

/// A field's `value` (an input, a textarea, a select: read as a property, as they are
/// different classes).
pub fn value_of(el: &web_sys::Element) -> String {
    js_sys::Reflect::get(el, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Moves the keyboard focus to the element with this id, if it is there.
pub fn focus_id(id: &str) {
    let el = document().get_element_by_id(id);
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Whether the main pointer is a finger (phones, tablets): focusing the message box on load
/// would pop the keyboard over the stream there.
pub fn touch_first() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether the page's address asks for polling only (`?push=off`: the test switch).
pub fn push_switched_off() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("push=off"))
}

/// Puts `text` on the clipboard (the browser asks for nothing: it follows a click).
pub fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        // The promise settles by itself; a refusal leaves the clipboard as it was.
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a download named `name`.
pub fn save_text(name: &str, text: &str) -> Option<()> {
    let opts = BlobPropertyBag::new();
    opts.set_type("text/plain;charset=utf-8");
    let parts = js_sys::Array::of1(&text.into());
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let a: HtmlAnchorElement = web_sys::window()?
        .document()?
        .create_element("a")
        .ok()?
        .dyn_into()
        .ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download has its own reference by now; the URL would otherwise live as long as the page.
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// One handler for some events of `target`, removed when the component that made it goes.
/// `scroll` does not bubble: it is heard on its way down (capture), so a listener on the
/// document hears every element's scroll.
pub fn listen(
    target: EventTarget,
    events: &'static [&'static str],
    f: impl FnMut(Event) + 'static,
) {
    let f = Closure::<dyn FnMut(Event)>::new(f);
    for e in events {
        let _ = target.add_event_listener_with_callback_and_bool(
            e,
            f.as_ref().unchecked_ref(),
            *e == "scroll",
        );
    }
    let held = StoredValue::new_local(Some((target, f)));
    on_cleanup(move || {
        held.try_update_value(|h| {
            if let Some((target, f)) = h.take() {
                for e in events {
                    let _ = target.remove_event_listener_with_callback_and_bool(
                        e,
                        f.as_ref().unchecked_ref(),
                        *e == "scroll",
                    );
                }
            }
        });
    });
}
