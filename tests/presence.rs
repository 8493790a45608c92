//! Readers online (issue 16), under `wrangler dev`: every socket hears how many pages are open
//! on the stream (the relays' sockets summed by the log) after its first frames, and again when
//! the number changes, at most every few seconds, also while nothing is posted.

use std::time::Duration;

use saywhatwant_e2e::socket::{self, frame};
use saywhatwant_e2e::Api;
use serde_json::json;

/// Long enough for a relay's report (5 s after a change) and the log's push.
const WITHIN: Duration = Duration::from_secs(15);

#[tokio::test]
async fn every_socket_hears_how_many_are_reading_as_it_changes() {
    // Networks apart, so they spread over relays.
    let mut first = socket::open("", "198.18.160.1", None).await.expect("opens");
    frame(&mut first).await;
    let mut readers = Vec::new();
    for i in 2..=4 {
        let mut ws = socket::open("", &format!("198.18.{}.{i}", 160 + i), None)
            .await
            .expect("opens");
        frame(&mut ws).await;
        readers.push(ws);
    }
    // The count climbs to the four open pages, pushed to a socket already open.
    let mut seen = Vec::new();
    while seen.last() != Some(&4) {
        match socket::online(&mut first, WITHIN).await {
            Some(n) => seen.push(n),
            None => panic!("readers online stopped at {seen:?}"),
        }
    }
    assert!(seen.iter().all(|n| (1..=4).contains(n)), "{seen:?}");

    // A page that opens now is told at once, after its first frames.
    let mut late = socket::open("", "198.18.170.9", None).await.expect("opens");
    frame(&mut late).await;
    let told = socket::online(&mut late, Duration::from_secs(3))
        .await
        .expect("told with its first frames");
    assert!((4..=5).contains(&told), "{told}");

    // Pages close: the others hear it drop.
    drop(readers);
    drop(late);
    let mut last = 5;
    while last != 1 {
        last = socket::online(&mut first, WITHIN)
            .await
            .unwrap_or_else(|| panic!("readers online stayed at {last}"));
    }

    // The last page goes too: its relay reports none and the log drops it. A page that
    // comes back to that relay is registered again and gets what is posted.
    drop(first);
    tokio::time::sleep(Duration::from_secs(8)).await;
    let mut back = socket::open("", "198.18.160.1", None).await.expect("opens");
    frame(&mut back).await;
    let c = Api::new()
        .post(json!({"text": "after the relay emptied"}), "198.18.171.1")
        .await;
    let pushed = frame(&mut back).await;
    assert_eq!(
        pushed.comments.first().map(|p| p.id.as_str()),
        Some(c.id.as_str())
    );
}
