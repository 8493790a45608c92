//! Past 1000 stored comments the original design's fresh read (the oldest 1000 keys) found
//! nothing new. Here it must: 1200 comments stored, then new ones still arrive at once.

use futures::stream::{self, StreamExt};
use saywhatwant_e2e::{settle, Api};
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
    settle().await;
    let cursor = api.now_cursor().await;
    let newest = api
        .post(
            json!({"text": "the newest", "domain": "history.test"}),
            "198.19.99.1",
        )
        .await;
    settle().await;
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
    // Stats come from the cached view, which the API lets be up to 30 s old.
    let mut total = 0;
    for _ in 0..40 {
        total = api.get("/api/stats").await.body["totalMessages"]
            .as_u64()
            .unwrap_or(0);
        if total >= 1201 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    assert!(total >= 1201, "totalMessages {total}");
}
