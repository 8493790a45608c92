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

/// The next frame, pong or close, within 10 s.
pub async fn next(ws: &mut Socket) -> Heard {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) if t.as_str() == "pong" => return Heard::Pong,
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
