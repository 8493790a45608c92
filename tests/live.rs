//! The page on the live channel, in headless Chromium against the real worker: it follows by
//! push, and a socket the server drops mid-stream loses nothing and shows nothing twice
//! (the page polls from its cursor, then opens a new socket from where the poll left it).

use std::time::Duration;

use saywhatwant_e2e::page::{count, open, polling_only, token, wait_channel, wait_shown};
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn a_socket_dropped_by_the_server_loses_nothing_and_repeats_nothing() {
    if polling_only() {
        eprintln!("skipped: this suite is about the live channel");
        return;
    }
    let api = Api::new();
    let b = open().await;
    wait_channel(&b, "push", Duration::from_secs(15)).await;
    let before = token("before the drop");
    api.post(json!({"text": before}), "198.18.80.1").await;
    let took = wait_shown(&b, &before, true).await;
    eprintln!("pushed in {took:?}");
    let closed = api
        .send_as_admin("POST", "/api/admin/sockets/close", None, "198.18.80.2")
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(
        closed.body["closed"].as_u64().is_some_and(|n| n >= 1),
        "{}",
        closed.body
    );
    // Posted while the page falls back and comes back.
    let during: Vec<String> = (0..3)
        .map(|i| token(&format!("during the drop {i}")))
        .collect();
    for text in &during {
        api.post(json!({"text": text}), "198.18.80.1").await;
    }
    for text in &during {
        wait_shown(&b, text, true).await;
    }
    let back = wait_channel(&b, "push", Duration::from_secs(30)).await;
    eprintln!("back on the live channel after {back:?}");
    let after = token("after the drop");
    api.post(json!({"text": after}), "198.18.80.1").await;
    wait_shown(&b, &after, true).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    for text in during.iter().chain([&before, &after]) {
        assert_eq!(count(&b, text).await, 1, "{text} exactly once");
    }
    b.quit().await;
}
