//! Readers online at a relay (`relay/presence.rs` has the rule): the sockets it holds told to
//! the log when they change between rounds, and the sum the log pushes sent on.

use worker::WebSocket;

use super::Relay;
use crate::cloudflare::ObjectLog;
use saywhatwant_wire::live as contract;

impl Relay {
    /// Readers online: tells the log this relay's sockets (the alarm set by
    /// [`Relay::sockets_changed`], [`contract::ONLINE_EVERY_MS`] after a change). A round's
    /// answer may have told it already; the log pushes only what changed.
    pub(super) async fn report_sockets(&self) {
        self.report_set.set(false);
        let sockets = self.readers().len() as u64;
        if sockets == 0 {
            // The log drops a relay that reports none: the next socket here must ask it
            // again (and be registered), not resume from a tail no round will extend.
            self.registered.set(false);
            self.relay.borrow_mut().forget();
        }
        let known = self.name.borrow().clone();
        let name = if known.is_empty() {
            // Woken by the alarm after hibernation: no request has named it yet.
            self.state
                .storage()
                .get::<String>("name")
                .await
                .ok()
                .flatten()
        } else {
            Some(known)
        };
        let Some(name) = name else {
            return;
        };
        let reported = match ObjectLog::of(&self.env) {
            Ok(log) => log.report_presence(&name, sockets).await,
            Err(e) => Err(e),
        };
        if let Err(e) = reported {
            worker::console_warn!("relay {name}: reporting its sockets: {e}");
        }
        // Sockets that came or went while this alarm ran found it still set: one more.
        if self.readers().len() as u64 != sockets {
            self.schedule_report().await;
        }
    }

    /// A socket came or went: the log hears of it within [`contract::ONLINE_EVERY_MS`], unless
    /// a round's answer tells it first.
    /// A burst (every socket reconnecting at once) costs one storage call, not one per socket:
    /// the flag answers while the alarm is known to be set.
    pub(super) async fn sockets_changed(&self) {
        if self.report_set.get() {
            return;
        }
        // After a wake-up the flag is gone but the alarm may be set.
        if let Ok(Some(_)) = self.state.storage().get_alarm().await {
            self.report_set.set(true);
            return;
        }
        self.schedule_report().await;
    }

    async fn schedule_report(&self) {
        let at = contract::ONLINE_EVERY_MS as i64;
        match self.state.storage().set_alarm(at).await {
            Ok(()) => self.report_set.set(true),
            Err(e) => worker::console_warn!("relay: scheduling a presence report: {e}"),
        }
    }

    /// Sends readers online to a socket.
    pub(super) fn send_online(&self, ws: &WebSocket) {
        if let Some(online) = self.online.get() {
            if let Ok(text) = serde_json::to_string(&contract::Presence { online }) {
                let _ = ws.send_with_str(&text);
            }
        }
    }
}
