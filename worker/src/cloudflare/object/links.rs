//! The log's links to its relays (`relay/link.rs`): one WebSocket the log dials to each relay
//! and sends its rounds on, instead of a request per round per relay.
//!
//! Platform calls and why:
//! - `stub.fetch_with_request` with `Upgrade: websocket`, then `accept()`: a client socket to
//!   another Durable Object. The relay accepts it with the hibernation API, so each round is an
//!   incoming message there (billed a twentieth of a request) and the relay sleeps between
//!   rounds. The log holds the client end, which keeps it in memory; it works for every round
//!   anyway.
//! - `send_with_str` does not wait for the relay: a slow or far relay holds up no other.
//! - Every [`CHECK_MS`] a relay gets its round as a request instead: a link that went quiet
//!   without closing (a half-open connection) loses at most that long, since the request's
//!   round shows the relay any gap, which it fetches from the log as after any lost round. The
//!   request's answer also refreshes its socket count.

use worker::{Date, Headers, Request, RequestInit, Result, WebSocket};

use super::CommentLog;
use crate::cloudflare::relay::RELAY_HEADER;
use crate::cloudflare::RELAY_BINDING;

/// How often a linked relay gets one round as a request.
pub const CHECK_MS: u64 = 30_000;

/// Rounds larger than this go as requests (a WebSocket message is at most 1 MiB).
const LINK_MAX_BYTES: usize = 512 * 1024;

/// One relay's link and when its round last went as a request.
pub(super) struct Link {
    ws: WebSocket,
    checked: u64,
}

impl CommentLog {
    /// Sends a round (`body`) to relay `name` on its link, dialing one first if need be.
    /// `false`: send it as a request this time.
    pub(super) async fn send_linked(&self, name: &str, body: &str) -> bool {
        let now = Date::now().as_millis();
        if body.len() > LINK_MAX_BYTES {
            return false;
        }
        let existing = self
            .links
            .borrow()
            .get(name)
            .map(|l| (l.ws.clone(), l.checked));
        if let Some((ws, checked)) = existing {
            if now.saturating_sub(checked) >= CHECK_MS {
                if let Some(l) = self.links.borrow_mut().get_mut(name) {
                    l.checked = now;
                }
                return false;
            }
            if ws.send_with_str(body).is_ok() {
                return true;
            }
            self.links.borrow_mut().remove(name);
        }
        match dial(&self.env, name).await {
            Ok(ws) => {
                let sent = ws.send_with_str(body).is_ok();
                if sent {
                    self.links
                        .borrow_mut()
                        .insert(name.to_owned(), Link { ws, checked: now });
                }
                sent
            }
            Err(e) => {
                worker::console_warn!("relay {name}: no link: {e}");
                false
            }
        }
    }

    /// The relay holds no socket: no more rounds, no link.
    pub(super) fn drop_link(&self, name: &str) {
        if let Some(link) = self.links.borrow_mut().remove(name) {
            let _ = link.ws.close(Some(1000), Some("no sockets"));
        }
    }
}

async fn dial(env: &worker::Env, name: &str) -> Result<WebSocket> {
    let stub = env
        .durable_object(RELAY_BINDING)?
        .id_from_name(name)?
        .get_stub()?;
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    headers.set(RELAY_HEADER, name)?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let req = Request::new_with_init("https://relay/link", &init)?;
    let resp = stub.fetch_with_request(req).await?;
    let ws = resp
        .websocket()
        .ok_or_else(|| worker::Error::RustError("the relay did not open a link".into()))?;
    ws.accept()?;
    Ok(ws)
}
