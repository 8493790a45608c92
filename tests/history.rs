//! Past 1000 stored comments the original design's fresh read (the oldest 1000 keys) found
//! nothing new. Here it must: 1200 comments stored, then new ones still arrive at once, and
//! the count is exact at once.

use futures::stream::{self, StreamExt};
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn with_more_than_1000_comments_stored_fresh_reads_still_find_the_newest() {
    let api = Api::new();
    let stored: Vec<_> = stream::iter(0..1200)
        .map(|i| {
            let api = &api;
            // Ten posts per address stays within the per-address limit.
            async move {
                api.post(
                    json!({"text": format!("history {i}"), "domain": "history.test"}),
                    &format!("198.19.{}.{}", i / 10 / 200, i / 10 % 200),
                )
                .await
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    assert_eq!(stored.len(), 1200);
    let cursor = api.now_cursor().await;
    let newest = api
        .post(
            json!({"text": "the newest", "domain": "history.test"}),
            "198.19.99.1",
        )
        .await;
    let poll = api
        .page(&format!(
            "/api/comments?after={cursor}&limit=200&fresh=true"
        ))
        .await;
    assert_eq!(poll.comments, vec![newest.clone()]);
    let bot = api
        .page("/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true")
        .await;
    assert_eq!(bot.comments.first(), Some(&newest));
    assert!(bot.has_more);
    let stats = api.get("/api/stats").await.body["totalMessages"].as_u64();
    assert!(stats.is_some_and(|n| n >= 1201), "totalMessages {stats:?}");
    // Paging back from the start of these 1200 reads them all, in the order they were stored.
    let first = &stored
        .iter()
        .min_by_key(|c| c.timestamp)
        .expect("stored")
        .id;
    let mut cursor = format!(
        "{}:{first}",
        stored.iter().map(|c| c.timestamp).min().unwrap_or(0)
    );
    let mut seen = 0;
    loop {
        let p = api
            .page(&format!(
                "/api/comments?after={cursor}&limit=500&fresh=true&domain=history.test"
            ))
            .await;
        seen += p.comments.len();
        cursor = p.cursor.expect("a cursor");
        if !p.has_more {
            break;
        }
    }
    assert_eq!(seen, 1200, "1199 after the first, and the newest");
}
