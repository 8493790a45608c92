//! Raw live sockets with the headers a browser or a stranger sends (`Origin`, the client's
//! address), for the suites that watch the channel itself rather than a page.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
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
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

fn is_presence(text: &str) -> bool {
    serde_json::from_str::<saywhatwant_wire::live::Presence>(text).is_ok()
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
            // Readers online: [`online`] reads those.
            Ok(Some(Ok(Message::Text(t)))) if is_presence(&t) => continue,
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
