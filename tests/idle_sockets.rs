//! Idle sockets against the real worker: one that stops sending keep-alives is closed with
//! 4408 at the next commit, one that pings (answered by the runtime, never waking the object)
//! keeps getting comments. Run in its own worker with `SOCKET_IDLE_SECONDS=3` (`make test`).

use std::time::Duration;

use saywhatwant_e2e::socket::{self, frame, Heard};
use saywhatwant_e2e::Api;
use serde_json::json;

/// The worker's `SOCKET_IDLE_SECONDS` in this run.
const IDLE: Duration = Duration::from_secs(3);

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
