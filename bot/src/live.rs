//! The live channel from the bot's side: a WebSocket to `/api/comments/live` that receives
//! every comment as the log commits it. Frames are `GET /api/comments` pages; the bot keeps
//! the last cursor and resumes from it when the socket drops, so nothing is missed.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use saywhatwant_wire::{live, CommentsPage, CommentsQuery, Cursor};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A keep-alive every this often, frames or not (the log closes a socket that sent nothing for
/// two minutes); the object's runtime answers it without waking.
const PING_EVERY: Duration = Duration::from_millis(live::PING_EVERY_MS);
/// Nothing heard for this long (not even a pong): the socket is dead.
const SILENT_FOR: Duration = Duration::from_millis(live::SILENT_MS);

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot open the live channel at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("the live channel closed ({code}: {reason})")]
    Closed { code: u16, reason: String },
    #[error("the live channel went silent")]
    Silent,
    #[error("the live channel failed: {0}")]
    Broken(String),
}

pub struct Channel {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    heard: Instant,
    pinged: Instant,
}

/// `http://host` → `ws://host/api/comments/live?…`.
pub fn live_url(base: &str, after: Option<&str>, domain: Option<&str>) -> String {
    let q = CommentsQuery {
        after: after.and_then(|c| Cursor::parse(c).ok()),
        domain: domain.map(str::to_owned),
        ..Default::default()
    };
    let query = q.to_query_string();
    // `limit` means nothing to the channel.
    let query = query.trim_start_matches("limit=50").trim_start_matches('&');
    live::live_url(
        &format!("{}{}", base.trim_end_matches('/'), live::API_PREFIX),
        query,
    )
}

impl Channel {
    pub async fn connect(url: &str, token: Option<&str>) -> Result<Channel, LiveError> {
        let err = |reason: String| LiveError::Connect {
            url: url.to_owned(),
            reason,
        };
        let mut req = url.into_client_request().map_err(|e| err(e.to_string()))?;
        if let Some(t) = token {
            let value = format!("Bearer {t}")
                .parse()
                .map_err(|_| err("the token is not a valid header value".into()))?;
            req.headers_mut().insert("Authorization", value);
        }
        let (ws, _) = timeout(
            Duration::from_secs(15),
            tokio_tungstenite::connect_async(req),
        )
        .await
        .map_err(|_| err("timed out".into()))?
        .map_err(|e| err(e.to_string()))?;
        Ok(Channel {
            ws,
            heard: Instant::now(),
            pinged: Instant::now(),
        })
    }

    /// The next frame; keeps the socket alive meanwhile.
    pub async fn next(&mut self) -> Result<CommentsPage, LiveError> {
        loop {
            let silent = SILENT_FOR.saturating_sub(self.heard.elapsed());
            if silent.is_zero() {
                return Err(LiveError::Silent);
            }
            // A keep-alive only after silence: frames are proof enough that the socket lives.
            let ping_in = PING_EVERY.saturating_sub(self.pinged.max(self.heard).elapsed());
            if ping_in.is_zero() {
                self.pinged = Instant::now();
                self.ws
                    .send(Message::text(live::PING))
                    .await
                    .map_err(|e| LiveError::Broken(e.to_string()))?;
                continue;
            }
            match timeout(silent.min(ping_in), self.ws.next()).await {
                // Time to ping, or silent too long: the top of the loop says which.
                Err(_) => {}
                Ok(None) => {
                    return Err(LiveError::Closed {
                        code: 1006,
                        reason: "ended".into(),
                    })
                }
                Ok(Some(Err(e))) => return Err(LiveError::Broken(e.to_string())),
                Ok(Some(Ok(msg))) => {
                    self.heard = Instant::now();
                    match msg {
                        Message::Text(text) if text.as_str() == live::PONG => {}
                        // Readers online: not for a bot.
                        Message::Text(text)
                            if serde_json::from_str::<live::Presence>(text.as_str()).is_ok() => {}
                        Message::Text(text) => {
                            return serde_json::from_str(text.as_str()).map_err(|e| {
                                LiveError::Broken(format!("an unreadable frame: {e}"))
                            })
                        }
                        Message::Close(frame) => {
                            return Err(match frame {
                                Some(f) => LiveError::Closed {
                                    code: f.code.into(),
                                    reason: f.reason.to_string(),
                                },
                                None => LiveError::Closed {
                                    code: 1005,
                                    reason: String::new(),
                                },
                            })
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_url_follows_the_site() {
        assert_eq!(
            live_url("http://127.0.0.1:8080", Some("s42"), None),
            "ws://127.0.0.1:8080/api/comments/live?after=s42"
        );
        assert_eq!(
            live_url("https://example.org", None, Some("a.test")),
            "wss://example.org/api/comments/live?domain=a.test"
        );
    }
}
