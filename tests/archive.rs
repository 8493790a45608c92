//! History out of the one object (issue 16), under `wrangler dev` with `HOT_COMMENTS=1000`:
//! once the log holds more than a block of 1 000 comments past its hot rows, the object's
//! alarm writes the oldest block to the R2 archive and drops its table. A reader following
//! from the start still gets every comment once, in order, the archived ones first, and a
//! filtered read walks the archive a bounded step at a time.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

const POSTS: usize = 3100;

async fn object_info(api: &Api) -> Value {
    let a = api
        .send_as_admin("GET", "/api/admin/object", None, "198.18.251.1")
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

#[tokio::test]
async fn archived_comments_are_still_read_by_history_once_and_in_order() {
    let api = Api::new();
    let start = api.now_cursor().await;
    // Every fifth from a person, the rest from a bot (so `type` filters have work to do).
    let posted: Vec<String> = stream::iter(0..POSTS)
        .map(|i| {
            let api = &api;
            async move {
                let id = format!("arch{i:05}");
                let body = if i % 5 == 0 {
                    json!({ "id": id, "text": format!("person {i}") })
                } else {
                    json!({ "id": id, "text": format!("bot {i}"), "message-type": "AI",
                            "username": "Archivist" })
                };
                let ip = format!("198.18.{}.{}", 10 + i % 200, i % 250 + 1);
                if i % 5 == 0 {
                    api.post(body, &ip).await.id
                } else {
                    api.post_as_bot(body).await.id
                }
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(posted.len(), POSTS);

    // One block per alarm (every 10 s while the stream changes): blocks 0 and 1 are due.
    let deadline = Instant::now() + Duration::from_secs(90);
    let floor = loop {
        let info = object_info(&api).await;
        let floor = info["hotFloor"].as_u64().unwrap_or(0);
        if floor >= 2001 {
            break floor;
        }
        assert!(Instant::now() < deadline, "nothing archived: {info}");
        // A post keeps the stream changing, so the alarm comes back.
        api.post_as_bot(json!({ "text": "tick", "message-type": "AI", "username": "Archivist" }))
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert!(floor > 1, "the hot rows start past the archive");

    let all = api.drain(&start, 200, "").await;
    let ids: Vec<&str> = all
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| id.starts_with("arch"))
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a comment came twice");
    let want: HashSet<&str> = posted.iter().map(String::as_str).collect();
    assert_eq!(unique, want, "every comment, archived or hot");
    assert!(
        all.windows(2).all(|w| w[0].timestamp < w[1].timestamp),
        "in the log's order"
    );

    // The people's comments only: bounded pages through the archive, none missing.
    let people = api.drain(&start, 1000, "&type=human").await;
    let people: Vec<&str> = people
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| id.starts_with("arch"))
        .collect();
    assert_eq!(people.len(), POSTS / 5);

    // A read that starts in the archive reads its comments from the bucket: the object's
    // SQLite reads none of the 50 (from the hot rows it would read 51).
    let a = api.get("/api/comments?after=s0&limit=50&fresh=true").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["comments"].as_array().map(Vec::len), Some(50));
    assert_eq!(a.body["hasMore"], json!(true));
    let rows = a.header("x-log-rows").unwrap_or("").to_owned();
    let count = |key: &str| -> u64 {
        rows.split(", ")
            .find_map(|kv| kv.strip_prefix(key))
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX)
    };
    assert!(count("read=") < 10 && count("written=") == 0, "{rows}");
}

#[tokio::test]
async fn a_post_writes_one_row() {
    let api = Api::new();
    // Two posts: the first may start a block (its table's schema rows); the second cannot
    // both start one and follow the first.
    let mut written = Vec::new();
    for i in 0..2 {
        let a = api
            .send_as_bot(
                "POST",
                "/api/comments",
                Some(
                    json!({ "text": format!("row {i}"), "message-type": "AI",
                             "username": "Archivist" })
                    .to_string(),
                ),
                "198.18.252.1",
            )
            .await;
        assert!(a.status < 300, "{}", a.body);
        let rows = a.header("x-log-rows").unwrap_or("").to_owned();
        written.push(rows);
    }
    assert!(
        written.iter().any(|r| r.ends_with("written=1")),
        "{written:?}"
    );
}
