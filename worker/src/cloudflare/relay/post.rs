//! Posts on the channel: a reader's socket sends `{"post": …}`, the relay runs it through the
//! API's rules (`api::channel`) with the socket's [`Poster`](crate::api::Poster) and sends the
//! acknowledgement back on that socket.
//!
//! Platform calls and why:
//! - The message arrives in `websocket_message` (billed a twentieth of a request, no Worker
//!   request); the append is one request to the log, as the Worker's would be.
//! - The Rate Limiting bindings are the script's own, so the relay counts a network's posts in
//!   the same buckets as the Worker.

use saywhatwant_wire::live::Ack;
use saywhatwant_wire::ErrorBody;
use worker::{Date, WebSocket};

use super::{seat, Relay};
use crate::api::{channel, ApiError, Config, Ctx};
use crate::cloudflare::{rate_limit_on, Limiters, ObjectLog};

impl Relay {
    /// Answers one message from a reader's socket.
    pub(super) async fn post(&self, ws: &WebSocket, message: &[u8]) {
        let s = seat(ws);
        let ack = match (&s.poster, ObjectLog::of(&self.env)) {
            (Some(poster), Ok(log)) => {
                let config = Config {
                    rate_limit: rate_limit_on(&self.env),
                    ..Config::default()
                };
                let ctx = Ctx {
                    log: &log,
                    kv: &(),
                    limiter: &Limiters::of(&self.env),
                    config: &config,
                };
                channel::post(&ctx, poster, message).await
            }
            (None, _) => Ack::failed(
                Ack::id_of(message),
                409,
                ErrorBody {
                    error: "this socket was opened before posting on the channel existed: \
                            post with POST /api/comments, or reconnect"
                        .into(),
                    code: "post_over_http".into(),
                },
                None,
            ),
            (_, Err(e)) => {
                let e = ApiError::Unavailable(e.to_string());
                Ack::failed(Ack::id_of(message), e.status(), e.body(), None)
            }
        };
        if let Ok(text) = serde_json::to_string(&ack) {
            // A socket that is closing fails here; the client posts again over HTTP.
            let _ = ws.send_with_str(text);
        }
        if let Some(s) = s.sent_at(Date::now().as_millis()) {
            let _ = ws.serialize_attachment(s);
        }
    }
}
