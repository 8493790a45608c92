//! Sending a round on: one frame per distinct filter, serialized once, to every socket it
//! concerns; the idle rule; the relay's head kept on one socket.

use worker::{Date, WebSocket};

use super::{seat, Relay};
use crate::cloudflare::hibernation::last_ping;
use crate::log::live::{self, CLOSE_IDLE};
use crate::log::Filter;
use crate::relay::{frame_for, Round, Seat};
use saywhatwant_wire::live as contract;

impl Relay {
    /// Sends a round to every socket it concerns, closes the sockets silent too long, and
    /// keeps the relay's head on one socket.
    pub(super) fn forward(&self, round: &Round) {
        let now = Date::now().as_millis();
        let idle_after = self.idle_after_ms();
        let mut keeper: Option<(WebSocket, bool, Seat)> = None;
        // Sockets that read the same filter and joined before the round get the same frame:
        // it is made and serialized once (most sockets read the whole stream).
        let mut made: Vec<(Filter, Option<u64>, Option<String>)> = Vec::new();
        if round.online.is_some() {
            self.online.set(round.online);
        }
        let online = round
            .online
            .and_then(|online| serde_json::to_string(&contract::Presence { online }).ok());
        for ws in self.readers() {
            let s = seat(&ws);
            let Some(at) = s.at else {
                continue;
            };
            if live::is_idle(
                s.quiet_since(),
                last_ping(&self.state, &ws),
                now,
                idle_after,
            ) {
                let _ = ws.close(Some(CLOSE_IDLE), Some("no keep-alive heard: reconnect"));
                continue;
            }
            let own = (at > round.from).then_some(at);
            let i = match made
                .iter()
                .position(|(f, a, _)| *a == own && f == &s.filter)
            {
                Some(i) => i,
                None => {
                    let text = frame_for(round, &s.filter, at)
                        .and_then(|f| serde_json::to_string(&f).ok());
                    made.push((s.filter.clone(), own, text));
                    made.len() - 1
                }
            };
            let mut sent = false;
            for text in [&made[i].2, &online].into_iter().flatten() {
                // A socket that is closing fails here; its close event cleans it up.
                sent |= ws.send_with_str(text).is_ok();
            }
            // What the relay sends keeps the socket from being idle, as its pings would.
            let moved = sent.then(|| s.sent_at(now)).flatten();
            if keeper.is_none() {
                keeper = Some((ws, moved.is_some(), moved.unwrap_or(s)));
            } else if let Some(moved) = moved {
                let _ = ws.serialize_attachment(moved);
            }
        }
        if let Some((ws, moved, s)) = keeper {
            let head = self.relay.borrow().head();
            if moved || (head.is_some() && s.keeps != head) {
                let _ = ws.serialize_attachment(Seat {
                    keeps: head.or(s.keeps),
                    ..s
                });
            }
        }
    }

    /// Puts the relay's head on a socket other than `leaving`.
    pub(super) fn keep_head(&self, leaving: Option<&WebSocket>) {
        let Some(head) = self.relay.borrow().head() else {
            return;
        };
        for ws in self.readers() {
            if leaving.is_some_and(|l| l == &ws) {
                continue;
            }
            let s = seat(&ws);
            if s.at.is_some() {
                let _ = ws.serialize_attachment(Seat {
                    keeps: Some(head),
                    ..s
                });
                return;
            }
        }
    }
}
