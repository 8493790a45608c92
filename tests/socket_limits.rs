//! The live channel's limits as a deploy sets them, against the real worker: a socket that stops
//! sending keep-alives is closed with 4408 at the next commit while one that pings (answered by
//! the runtime, never waking the object) keeps getting comments; with `ALLOWED_ORIGIN` set, an
//! upgrade from another site is refused. Run in its own worker with `SOCKET_IDLE_SECONDS=3` and
//! `ALLOWED_ORIGIN=https://site.test` (`make test`).

use std::time::Duration;

use saywhatwant_e2e::socket::{self, frame, Heard};
use saywhatwant_e2e::Api;
use serde_json::json;

/// The worker's `SOCKET_IDLE_SECONDS` and `ALLOWED_ORIGIN` in this run.
const IDLE: Duration = Duration::from_secs(3);
const SITE: &str = "https://site.test";

#[tokio::test]
async fn with_an_allowed_origin_only_that_site_and_clients_without_one_open_the_channel() {
    assert_eq!(
        socket::open("", "198.18.151.1", Some("https://elsewhere.example"))
            .await
            .err(),
        Some(403),
        "another site's page"
    );
    for origin in [Some(SITE), None] {
        let mut ws = socket::open("", "198.18.151.2", origin)
            .await
            .unwrap_or_else(|status| panic!("{origin:?}: refused with {status}"));
        assert!(frame(&mut ws).await.comments.is_empty(), "{origin:?}");
    }
    // The refusal names itself, as every 4xx does.
    let a = reqwest::Client::new()
        .get(format!("{}/api/comments/live", saywhatwant_e2e::base_url()))
        .header("Origin", "https://elsewhere.example")
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("CF-Connecting-IP", "198.18.151.3")
        .send()
        .await
        .expect("an answer");
    assert_eq!(a.status().as_u16(), 403);
    let body: serde_json::Value = a.json().await.expect("a JSON error");
    assert_eq!(body["code"], "origin_not_allowed", "{body}");
}

#[tokio::test]
async fn a_silent_socket_is_closed_at_the_next_commit_and_a_pinging_one_is_kept() {
    let api = Api::new();
    let cursor = api.now_cursor().await;
    let query = format!("after={cursor}");
    let mut silent = socket::open(&query, "198.18.150.1", None)
        .await
        .expect("opens");
    let mut pinging = socket::open(&query, "198.18.150.2", None)
        .await
        .expect("opens");
    assert!(frame(&mut silent).await.comments.is_empty());
    assert!(frame(&mut pinging).await.comments.is_empty());

    // Past the limit, with a ping every second from one of them.
    let until = tokio::time::Instant::now() + IDLE + Duration::from_secs(1);
    while tokio::time::Instant::now() < until {
        socket::ping(&mut pinging).await;
        assert!(matches!(socket::next(&mut pinging).await, Heard::Pong));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    let c = api
        .post(json!({"text": "after the silence"}), "198.18.150.3")
        .await;
    let pushed = frame(&mut pinging).await;
    assert_eq!(pushed.comments.len(), 1);
    assert_eq!(pushed.comments[0].id, c.id, "the pinging socket is kept");
    match socket::next(&mut silent).await {
        Heard::Closed(code) => assert_eq!(code, 4408, "closed as idle"),
        other => panic!("the silent socket got {other:?} instead of a close"),
    }

    // A page that comes back reconnects from its cursor and misses nothing.
    let mut back = socket::open(&query, "198.18.150.1", None)
        .await
        .expect("reopens");
    let caught_up = frame(&mut back).await;
    assert_eq!(
        caught_up
            .comments
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        [c.id.as_str()]
    );
}
