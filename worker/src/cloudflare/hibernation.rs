//! What the hibernation API offers that workers-rs 0.8 does not bind yet.
//!
//! - `state.getWebSocketAutoResponseTimestamp(ws)`: when the runtime last answered this socket's
//!   keep-alive by itself (`setWebSocketAutoResponse`), without waking the object. It is the
//!   only way to tell a live page (it pings every 30 s) from a parked socket, since those pings
//!   never reach `websocket_message`.

use worker::wasm_bindgen::{self, prelude::wasm_bindgen, JsCast};
use worker::{js_sys, State, WebSocket};

#[wasm_bindgen]
extern "C" {
    /// The runtime's `DurableObjectState`, seen for the one method bound here.
    type StateWithAutoResponse;

    #[wasm_bindgen(method, js_name = getWebSocketAutoResponseTimestamp)]
    fn get_websocket_auto_response_timestamp(
        this: &StateWithAutoResponse,
        ws: &worker::web_sys::WebSocket,
    ) -> Option<js_sys::Date>;
}

/// When the runtime last answered `ws`'s ping (ms since the epoch), if it ever did.
pub fn last_ping(state: &State, ws: &WebSocket) -> Option<u64> {
    state
        .as_raw()
        .unchecked_ref::<StateWithAutoResponse>()
        .get_websocket_auto_response_timestamp(ws.as_ref())
        .map(|d| d.get_time() as u64)
}
