//! The log's link to a relay: a WebSocket the log dials (`object/links.rs`) and the relay
//! accepts with the hibernation API, on which rounds arrive as messages. An incoming message
//! is billed a twentieth of a request, where a round sent as a request is billed whole; and the
//! log sends without waiting for the relay's answer, so a slow or far relay holds up no other.
//!
//! Platform calls and why:
//! - `accept_websocket_with_tags(["log"])`: the link is told apart from readers' sockets
//!   (tagged `reader`) by its tag, so no reader can pass for the log, and the relay hibernates
//!   with the link open as with any socket.
//! - Nothing is sent back on the link: the log learns a relay's sockets from its presence
//!   reports (`online.rs`). A round lost with a broken link is a gap the next round shows.

use worker::{
    Response, ResponseBuilder, Result, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use super::Relay;
use crate::relay::Round;

/// Readers' sockets.
pub const READER_TAG: &str = "reader";
/// The log's link.
pub const LINK_TAG: &str = "log";

impl Relay {
    /// The readers' open sockets (not the log's link). One the relay closed stays in the
    /// runtime's list until its close event: after the operator closed them all, or a
    /// restart, those would fill the relay's count while their readers come back.
    pub(super) fn readers(&self) -> Vec<WebSocket> {
        self.open_with_tag(READER_TAG)
    }

    pub(super) fn open_with_tag(&self, tag: &str) -> Vec<WebSocket> {
        let mut sockets = self.state.get_websockets_with_tag(tag);
        sockets.retain(|ws| ws.as_ref().ready_state() == web_sys::WebSocket::OPEN);
        sockets
    }

    pub(super) fn is_link(&self, ws: &WebSocket) -> bool {
        self.state
            .get_websockets_with_tag(LINK_TAG)
            .iter()
            .any(|link| link == ws)
    }

    /// The log dials: one link at a time (a new one means the log restarted).
    pub(super) fn accept_link(&self) -> Result<Response> {
        for old in self.state.get_websockets_with_tag(LINK_TAG) {
            let _ = old.close(Some(1000), Some("a newer link"));
        }
        let pair = WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &[LINK_TAG]);
        Ok(ResponseBuilder::new()
            .with_status(101)
            .with_websocket(pair.client)
            .empty())
    }

    pub(super) async fn link_message(&self, msg: WebSocketIncomingMessage) {
        let WebSocketIncomingMessage::String(text) = msg else {
            return;
        };
        match serde_json::from_str::<Round>(&text) {
            Ok(round) => {
                self.take_round(round).await;
            }
            Err(e) => worker::console_warn!("relay: not a round on the log's link: {e}"),
        }
    }

    /// A round from the log, over its link or as a request: forwarded in order. With no
    /// socket left the relay forgets its tail (the log stops sending it rounds once it hears).
    /// The readers' sockets it holds.
    pub(super) async fn take_round(&self, round: Round) -> usize {
        if !self.skip_round.replace(false) {
            self.restore();
            self.jobs.borrow_mut().push_back(super::Job::Round(round));
            self.drain().await;
        }
        let sockets = self.readers().len();
        if sockets == 0 {
            self.registered.set(false);
            self.relay.borrow_mut().forget();
        }
        sockets
    }
}
