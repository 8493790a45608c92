//! Raw live sockets with the headers a browser or a stranger sends (`Origin`, the client's
//! address), for the suites that watch the channel itself rather than a page.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use saywhatwant_wire::live::Ack;
use saywhatwant_wire::CommentsPage;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

use crate::base_url;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What a socket heard next.
#[derive(Debug)]
pub enum Heard {
    Frame(Box<CommentsPage>),
    Pong,
    /// The server closed it with this code.
    Closed(u16),
}

/// Opens `/api/comments/live?<query>` as a client at `ip` with `origin`; `Err(status)` when the
/// upgrade itself is refused.
pub async fn open(query: &str, ip: &str, origin: Option<&str>) -> Result<Socket, u16> {
    open_as(query, ip, origin, None).await
}

/// [`open`] with an `Authorization` header on the upgrade (a bot's socket, or a wrong one).
pub async fn open_as(
    query: &str,
    ip: &str,
    origin: Option<&str>,
    authorization: Option<&str>,
) -> Result<Socket, u16> {
    let url = format!(
        "{}/api/comments/live?{query}",
        base_url().replacen("http://", "ws://", 1)
    );
    let mut req = url.into_client_request().expect("a request");
    req.headers_mut()
        .insert("CF-Connecting-IP", ip.parse().expect("header"));
    if let Some(o) = origin {
        req.headers_mut()
            .insert("Origin", o.parse().expect("header"));
    }
    if let Some(a) = authorization {
        req.headers_mut()
            .insert("Authorization", a.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

fn is_presence(text: &str) -> bool {
    serde_json::from_str::<saywhatwant_wire::live::Presence>(text).is_ok()
}

fn as_ack(text: &str) -> Option<Ack> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .filter(|v| v.get("ack").is_some())
        .and_then(|v| serde_json::from_value(v).ok())
}

/// Posts `body` (the JSON of `POST /api/comments`) on the socket.
pub async fn post(ws: &mut Socket, body: &serde_json::Value) {
    send_text(ws, &saywhatwant_wire::live::channel_post(&body.to_string())).await;
}

/// Sends any text on the socket.
pub async fn send_text(ws: &mut Socket, text: &str) {
    ws.send(Message::Text(text.into()))
        .await
        .expect("the socket takes a message");
}

/// The next acknowledgement within 10 s; the frames heard meanwhile are returned with it.
pub async fn ack(ws: &mut Socket) -> (Ack, Vec<CommentsPage>) {
    let mut frames = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                if let Some(a) = as_ack(&t) {
                    return (a, frames);
                }
                if let Ok(page) = serde_json::from_str::<CommentsPage>(&t) {
                    frames.push(page);
                }
            }
            Ok(Some(Ok(Message::Close(frame)))) => panic!("closed before an ack: {frame:?}"),
            Ok(Some(Ok(_))) => continue,
            other => panic!("no acknowledgement: {other:?}"),
        }
    }
}

/// The next readers-online message (`{"online": n}`) within `within`, frames and pongs skipped;
/// `None` when none came.
pub async fn online(ws: &mut Socket, within: Duration) -> Option<u64> {
    let until = tokio::time::Instant::now() + within;
    loop {
        let left = until.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                if let Ok(p) = serde_json::from_str::<saywhatwant_wire::live::Presence>(&t) {
                    return Some(p.online);
                }
            }
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// The next frame, pong or close, within 10 s (readers-online messages skipped).
pub async fn next(ws: &mut Socket) -> Heard {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) if t.as_str() == "pong" => return Heard::Pong,
            // Readers online: [`online`] reads those; acknowledgements: [`ack`].
            Ok(Some(Ok(Message::Text(t)))) if is_presence(&t) || as_ack(&t).is_some() => continue,
            Ok(Some(Ok(Message::Text(t)))) => {
                return Heard::Frame(serde_json::from_str(&t).expect("a frame is a comments page"))
            }
            Ok(Some(Ok(Message::Close(Some(frame))))) => {
                return Heard::Closed(u16::from(frame.code))
            }
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("nothing heard: {other:?}"),
        }
    }
}

/// The next frame the socket gets (pongs skipped).
pub async fn frame(ws: &mut Socket) -> CommentsPage {
    loop {
        match next(ws).await {
            Heard::Frame(page) => return *page,
            Heard::Pong => continue,
            Heard::Closed(code) => panic!("closed with {code} instead of a frame"),
        }
    }
}

/// Sends the page's keep-alive.
pub async fn ping(ws: &mut Socket) {
    ws.send(Message::Text("ping".into()))
        .await
        .expect("the socket takes a ping");
}
