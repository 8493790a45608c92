//! End to end with a long history: 1500 stored comments, then the page loads and stays live.
//! Its own binary because the flood of posts would disturb the other browser scenarios.

use futures::future::join_all;
use std::time::Duration;

use saywhatwant_e2e::page::{page_url, token, wait_shown};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn with_1500_stored_comments_the_page_loads_and_stays_live() {
    let api = Api::new();
    let tag = token("bulk");
    // Posted in order, 50 at a time, so "#1499" is the newest.
    for chunk in (0..1500).collect::<Vec<_>>().chunks(50) {
        join_all(chunk.iter().map(|i| {
            api.post(
                json!({"text": format!("{tag} #{i}"), "domain": "bulk.test"}),
                "198.18.71.1",
            )
        }))
        .await;
    }
    let b = Browser::start().await;
    let started = std::time::Instant::now();
    b.goto(&page_url()).await;
    wait_shown(&b, &format!("{tag} #1499"), true).await;
    eprintln!(
        "newest of 1500 on screen {:?} after navigation",
        started.elapsed()
    );
    // When the cached view predates the 1500 posts, the page first pages through all of them
    // (200 at a time, each batch stored in IndexedDB): allow for that catch-up here.
    let live = token("live after bulk");
    let posted = std::time::Instant::now();
    api.post(json!({"text": live}), "198.18.71.2").await;
    b.wait_for("the live comment", "return Array.from(document.querySelectorAll('[data-testid=comment-text]')).some(e => e.textContent === arguments[0]);", json!([live]), Duration::from_secs(40)).await;
    eprintln!(
        "a comment posted after the load was on screen {:?} later",
        posted.elapsed()
    );
    b.quit().await;
}
