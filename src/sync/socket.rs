//! The live channel's WebSocket: its events go into the stream's inbox as [`Signal`]s, so
//! the one loop in `sync/follow.rs` handles frames, closes, timers and wake-ups in order.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use crate::sync::inbox::{Inbox, Signal};

pub struct Socket {
    ws: WebSocket,
    // Typed as plain events, like the page's other listeners: each closure type has its own
    // glue.
    _on_message: Closure<dyn FnMut(Event)>,
    _on_close: Closure<dyn FnMut(Event)>,
}

impl Socket {
    /// Opens `url`; `None` when the browser refuses at once (no WebSocket, a bad address).
    /// Its signals carry `number`, so one from a socket already given up is told apart.
    pub fn open(url: &str, inbox: &Inbox, number: u32) -> Option<Socket> {
        let ws = WebSocket::new(url).ok()?;
        let tx = inbox.clone();
        let on_message = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            if let Some(text) = e.unchecked_into::<MessageEvent>().data().as_string() {
                tx.send(Signal::Frame(number, text));
            }
        });
        let tx = inbox.clone();
        // An error is always followed by a close; the close says what happened.
        let on_close = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            let code = e.unchecked_into::<CloseEvent>().code();
            tx.send(Signal::Closed(number, code));
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Some(Socket {
            ws,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// The socket itself, for posting on it while it is open (`posting.rs`).
    pub fn handle(&self) -> WebSocket {
        self.ws.clone()
    }

    pub fn ping(&self) {
        // Not open yet, or closing: the close event tells the loop.
        let _ = self.ws.send_with_str(saywhatwant_wire::live::PING);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // The loop has stopped listening: nothing more from this socket reaches the inbox.
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
