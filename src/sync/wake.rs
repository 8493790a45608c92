//! What wakes the follow loop: the tab shown again, or the network gone or back.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::browser::is_visible;
use crate::sync::inbox::{Inbox, Signal};

const NETWORK: [&str; 2] = ["online", "offline"];

/// Wakes the follow loop when the tab is shown again or the network goes or comes back; the
/// listeners go when the loop ends.
pub struct Listeners {
    on_visible: Closure<dyn FnMut()>,
    on_online: Closure<dyn FnMut()>,
}

impl Listeners {
    pub fn attach(wake: &Inbox) -> Option<Self> {
        let window = web_sys::window()?;
        let document = window.document()?;
        let tx = wake.clone();
        let on_visible = Closure::<dyn FnMut()>::new(move || {
            if is_visible() {
                tx.send(Signal::Poke);
            }
        });
        let tx = wake.clone();
        let on_online = Closure::<dyn FnMut()>::new(move || {
            tx.send(Signal::Poke);
        });
        document
            .add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            )
            .ok()?;
        for name in NETWORK {
            window
                .add_event_listener_with_callback(name, on_online.as_ref().unchecked_ref())
                .ok()?;
        }
        Some(Listeners {
            on_visible,
            on_online,
        })
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            if let Some(document) = window.document() {
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    self.on_visible.as_ref().unchecked_ref(),
                );
            }
            for name in NETWORK {
                let _ = window.remove_event_listener_with_callback(
                    name,
                    self.on_online.as_ref().unchecked_ref(),
                );
            }
        }
    }
}
