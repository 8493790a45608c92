//! The live channel from the bot's side: a WebSocket to `/api/comments/live` that receives
//! every comment as the log commits it. Frames are `GET /api/comments` pages; the bot keeps
//! the last cursor and resumes from it when the socket drops, so nothing is missed. Its
//! replies go on the same socket (`{"post": …}`, answered by an acknowledgement; docs/api.md),
//! which spares the service a Worker request each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use saywhatwant_wire::live::Ack;
use saywhatwant_wire::{live, Comment, CommentsPage, CommentsQuery, Cursor};
use serde_json::Value;
use tokio::net::TcpStream;

use crate::client::ClientError;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
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

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Sink = Arc<tokio::sync::Mutex<SplitSink<Socket, Message>>>;
/// Posts on the channel waiting for their acknowledgement, by id.
type Acks = Arc<Mutex<HashMap<String, oneshot::Sender<Ack>>>>;

/// The live channel. A task reads the socket, so acknowledgements reach the bot's answers
/// while its follow loop is busy answering; frames wait for [`Channel::next`] in order.
pub struct Channel {
    heard_rx: mpsc::UnboundedReceiver<Heard>,
    out: Sink,
    acks: Acks,
    reader: JoinHandle<()>,
    heard: Instant,
    pinged: Instant,
}

/// What the reading task passed on.
enum Heard {
    Frame(Box<CommentsPage>),
    /// Something that proves the socket lives (a pong, readers online, an acknowledgement).
    Alive,
    End(LiveError),
}

/// Posts on an open channel (`Channel::poster`); cheap to clone.
#[derive(Clone)]
pub struct ChannelPoster {
    out: Sink,
    acks: Acks,
}

impl ChannelPoster {
    /// Sends `{"post": body}` and waits for its acknowledgement; `None` when none came within
    /// `ACK_WAIT_MS` or the channel failed: post over HTTP then, under the same id, which
    /// stores it once.
    pub async fn post(&self, body: &Value) -> Option<Ack> {
        let id = body.get("id")?.as_str()?.to_owned();
        let (tx, rx) = oneshot::channel();
        self.acks.lock().ok()?.insert(id.clone(), tx);
        let message = Message::text(live::channel_post(&body.to_string()));
        let sent = self.out.lock().await.send(message).await;
        let ack = match sent {
            Ok(()) => timeout(Duration::from_millis(live::ACK_WAIT_MS), rx)
                .await
                .ok()
                .and_then(Result::ok),
            Err(_) => None,
        };
        if let Ok(mut acks) = self.acks.lock() {
            acks.remove(&id);
        }
        ack
    }
}

/// What an acknowledgement means for a post: stored (and whether now), refused as HTTP would
/// refuse it, or `None` when the channel could not take it (post over HTTP then).
pub fn outcome(ack: Ack) -> Option<Result<(Comment, bool), ClientError>> {
    match ack {
        Ack {
            status: status @ (200 | 201),
            comment: Some(stored),
            ..
        } => Some(Ok((stored, status == 201))),
        Ack { status, code, .. } if status >= 500 || code.as_deref() == Some("post_over_http") => {
            None
        }
        Ack {
            status: 429,
            retry_after,
            ..
        } => Some(Err(ClientError::RateLimited(
            retry_after.unwrap_or(60).into(),
        ))),
        Ack { status, error, .. } => Some(Err(ClientError::Refused {
            url: "the live channel".into(),
            status,
            message: error.unwrap_or_default(),
        })),
    }
}

/// Reads the socket until it ends: frames to the follow loop, acknowledgements to the posts
/// that wait for them.
async fn read(mut stream: SplitStream<Socket>, tx: mpsc::UnboundedSender<Heard>, acks: Acks) {
    while let Some(msg) = stream.next().await {
        let heard = match msg {
            Err(e) => Heard::End(LiveError::Broken(e.to_string())),
            Ok(Message::Text(text)) => hear(text.as_str(), &acks),
            Ok(Message::Close(frame)) => Heard::End(match frame {
                Some(f) => LiveError::Closed {
                    code: f.code.into(),
                    reason: f.reason.to_string(),
                },
                None => LiveError::Closed {
                    code: 1005,
                    reason: String::new(),
                },
            }),
            Ok(_) => Heard::Alive,
        };
        let end = matches!(heard, Heard::End(_));
        if tx.send(heard).is_err() || end {
            return;
        }
    }
    let _ = tx.send(Heard::End(LiveError::Closed {
        code: 1006,
        reason: "ended".into(),
    }));
}

fn hear(text: &str, acks: &Acks) -> Heard {
    if text == live::PONG || serde_json::from_str::<live::Presence>(text).is_ok() {
        return Heard::Alive;
    }
    if text.starts_with("{\"ack\"") {
        if let Ok(ack) = serde_json::from_str::<Ack>(text) {
            let waiting = ack.ack.as_ref().and_then(|id| acks.lock().ok()?.remove(id));
            if let Some(tx) = waiting {
                let _ = tx.send(ack);
            }
            return Heard::Alive;
        }
    }
    match serde_json::from_str(text) {
        Ok(page) => Heard::Frame(Box::new(page)),
        Err(e) => Heard::End(LiveError::Broken(format!("an unreadable frame: {e}"))),
    }
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
        let (sink, stream) = ws.split();
        let (tx, heard_rx) = mpsc::unbounded_channel();
        let acks: Acks = Arc::default();
        let reader = tokio::spawn(read(stream, tx, acks.clone()));
        Ok(Channel {
            heard_rx,
            out: Arc::new(tokio::sync::Mutex::new(sink)),
            acks,
            reader,
            heard: Instant::now(),
            pinged: Instant::now(),
        })
    }

    /// What posts on this channel while it is open.
    pub fn poster(&self) -> ChannelPoster {
        ChannelPoster {
            out: self.out.clone(),
            acks: self.acks.clone(),
        }
    }

    /// The next frame; keeps the socket alive meanwhile.
    pub async fn next(&mut self) -> Result<CommentsPage, LiveError> {
        loop {
            // What came while the bot was answering first: it was heard then, not silence.
            while let Ok(heard) = self.heard_rx.try_recv() {
                if let Some(end) = self.take(heard) {
                    return end;
                }
            }
            let silent = SILENT_FOR.saturating_sub(self.heard.elapsed());
            if silent.is_zero() {
                return Err(LiveError::Silent);
            }
            // A keep-alive only after silence: frames are proof enough that the socket lives.
            let ping_in = PING_EVERY.saturating_sub(self.pinged.max(self.heard).elapsed());
            if ping_in.is_zero() {
                self.pinged = Instant::now();
                self.out
                    .lock()
                    .await
                    .send(Message::text(live::PING))
                    .await
                    .map_err(|e| LiveError::Broken(e.to_string()))?;
                continue;
            }
            match timeout(silent.min(ping_in), self.heard_rx.recv()).await {
                // Time to ping, or silent too long: the top of the loop says which.
                Err(_) => {}
                Ok(None) => {
                    return Err(LiveError::Closed {
                        code: 1006,
                        reason: "ended".into(),
                    })
                }
                Ok(Some(heard)) => {
                    if let Some(end) = self.take(heard) {
                        return end;
                    }
                }
            }
        }
    }

    /// Something the reading task passed on: a frame or the end to return, or proof of life.
    fn take(&mut self, heard: Heard) -> Option<Result<CommentsPage, LiveError>> {
        self.heard = Instant::now();
        match heard {
            Heard::Frame(page) => Some(Ok(*page)),
            Heard::Alive => None,
            Heard::End(e) => Some(Err(e)),
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        // The reading half goes with its task; the socket closes with both halves.
        self.reader.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acknowledgement_reads_as_http_would_answer() {
        let comment: Comment = serde_json::from_value(serde_json::json!({
            "id": "re-a", "text": "hi", "timestamp": 1, "domain": "d", "language": "en",
            "message-type": "AI", "misc": ""
        }))
        .expect("a comment");
        let body = |error: &str, code: &str| saywhatwant_wire::ErrorBody {
            error: error.into(),
            code: code.into(),
        };
        let created = outcome(Ack::stored(comment.clone(), true)).expect("an answer");
        assert!(matches!(created, Ok((ref c, true)) if c.id == "re-a"));
        let before = outcome(Ack::stored(comment, false)).expect("an answer");
        assert!(matches!(before, Ok((_, false))));
        for (status, code) in [(503, "storage_unavailable"), (409, "post_over_http")] {
            let ack = Ack::failed(Some("re-a".into()), status, body("no", code), None);
            assert!(outcome(ack).is_none(), "{status}: over HTTP instead");
        }
        let limited = Ack::failed(None, 429, body("slow", "rate_limited"), Some(12));
        assert!(matches!(
            outcome(limited),
            Some(Err(ClientError::RateLimited(12)))
        ));
        let refused = Ack::failed(None, 400, body("`text` is required", "invalid_field"), None);
        match outcome(refused) {
            Some(Err(e)) => {
                assert!(!e.is_transient());
                assert!(e.to_string().contains("`text` is required"));
            }
            other => panic!("{other:?}"),
        }
    }

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
