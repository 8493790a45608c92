//! Readers online at the log (`relay/presence.rs`): relays report their sockets between
//! rounds, and the log pushes the sum when it changed, on the next round.

use std::time::Duration;

use serde::Deserialize;
use worker::{Date, Delay, Request, Response, Result};

use super::CommentLog;
use crate::relay::presence::Due;
use crate::relay::Round;

/// What a relay reports (`POST /presence` to the log).
#[derive(Deserialize)]
struct Report {
    relay: String,
    sockets: u64,
}

impl CommentLog {
    /// Readers online: every relay's sockets, as each last said.
    pub(super) fn online_sum(&self) -> u64 {
        self.registry().map(|r| r.sockets()).unwrap_or(0)
    }

    pub(super) async fn presence(&self, mut req: Request) -> Result<Response> {
        let report: Report = serde_json::from_slice(&req.bytes().await?)
            .map_err(|e| worker::Error::RustError(format!("not a presence report: {e}")))?;
        if self.registry()?.report(&report.relay, report.sockets)? {
            self.drop_link(&report.relay);
        }
        self.push_online().await;
        Response::ok("")
    }

    /// Pushes the sum while it changes: now, or once [`ONLINE_EVERY_MS`] has passed since the
    /// last push (this request waits; it is a relay's alarm, not a reader). The relays'
    /// answers to a push may change the sum again (a socket came or went meanwhile).
    ///
    /// [`ONLINE_EVERY_MS`]: saywhatwant_wire::live::ONLINE_EVERY_MS
    async fn push_online(&self) {
        // Bounded: each turn waits its turn, and a relay's alarm has minutes.
        for _ in 0..6 {
            if !self.push_online_once().await {
                return;
            }
        }
    }

    /// One push if the sum changed; whether one went.
    async fn push_online_once(&self) -> bool {
        let due = self
            .online
            .borrow_mut()
            .due(self.online_sum(), Date::now().as_millis());
        let sum = match due {
            Due::Nothing => return false,
            Due::Now(sum) => sum,
            Due::In(ms) => {
                Delay::from(Duration::from_millis(ms)).await;
                let sum = self.online_sum();
                match self
                    .online
                    .borrow_mut()
                    .waited(sum, Date::now().as_millis())
                {
                    Some(sum) => sum,
                    None => return false,
                }
            }
        };
        let head = match self.log() {
            Ok(log) => log.head(),
            Err(e) => {
                worker::console_warn!("readers online: {e}");
                return false;
            }
        };
        // On the round about to leave, or an empty one of its own.
        self.next_round
            .borrow_mut()
            .get_or_insert_with(|| Round {
                from: head,
                to: head,
                ..Round::default()
            })
            .online = Some(sum);
        self.send_rounds().await;
        true
    }
}
