//! The API over HTTP against the real worker under `wrangler dev` (workerd, the log object's
//! SQLite, local KV, the real rate-limit bindings). Tests share one worker, so each one posts
//! under its own `domain` and reads with that filter.

use std::collections::HashSet;
use std::time::Duration;

use futures::future::join_all;
use saywhatwant_e2e::{in_one_limit_window, Api};
use saywhatwant_wire::{chrono_cmp, Comment};
use serde_json::json;

#[tokio::test]
async fn health_options_and_cors_on_every_answer() {
    let api = Api::new();
    let h = api.get("/api/health").await;
    assert_eq!((h.status, &h.body), (200, &json!({"ok": true})));
    for (method, path) in [
        ("OPTIONS", "/api/comments"),
        ("OPTIONS", "/api/comments/x"),
        ("GET", "/api/nope"),
    ] {
        let a = api.send(method, path, None, "192.0.2.2").await;
        assert_eq!(
            a.header("access-control-allow-origin"),
            Some("*"),
            "{method} {path}"
        );
        assert_eq!(
            a.header("access-control-allow-methods"),
            Some("GET, POST, PATCH, OPTIONS")
        );
        assert_eq!(
            a.header("access-control-allow-headers"),
            Some("Content-Type")
        );
        assert_eq!(a.header("access-control-max-age"), Some("86400"));
    }
    assert_eq!(
        api.send("OPTIONS", "/api/comments", None, "192.0.2.2")
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn every_error_case_is_a_json_4xx_that_says_what_was_wrong() {
    let api = Api::new();
    let cases = [
        ("GET", "/api/comments?limit=-1", None, 400, "invalid_limit"),
        (
            "GET",
            "/api/comments?limit=lots",
            None,
            400,
            "invalid_limit",
        ),
        (
            "GET",
            "/api/comments?after=yesterday",
            None,
            400,
            "invalid_after",
        ),
        ("GET", "/api/comments?type=robot", None, 400, "invalid_type"),
        ("GET", "/api/comments?sort=likes", None, 400, "invalid_sort"),
        (
            "GET",
            "/api/comments?order=random",
            None,
            400,
            "invalid_order",
        ),
        (
            "POST",
            "/api/comments",
            Some("{not json"),
            400,
            "invalid_json",
        ),
        (
            "POST",
            "/api/comments",
            Some(r#"{"text":"   "}"#),
            400,
            "invalid_field",
        ),
        (
            "POST",
            "/api/comments",
            Some(r#"{"text":"a","username":"seventeen chars!!"}"#),
            400,
            "invalid_field",
        ),
        (
            "POST",
            "/api/comments",
            Some(r#"{"text":"a","color":"999999999"}"#),
            400,
            "invalid_field",
        ),
        (
            "POST",
            "/api/comments",
            Some(r#"{"text":"a","nickname":"x"}"#),
            400,
            "unknown_field",
        ),
        (
            "PATCH",
            "/api/comments/abc",
            Some(r#"{"botParams":{"processed":true}}"#),
            401,
            "unauthorized",
        ),
        ("GET", "/api/comments/live", None, 426, "upgrade_required"),
        (
            "GET",
            "/api/comments?after=s999999999",
            None,
            410,
            "cursor_expired",
        ),
        (
            "PUT",
            "/api/comments",
            Some("{}"),
            405,
            "method_not_allowed",
        ),
        ("GET", "/api/elsewhere", None, 404, "not_found"),
    ];
    for (method, path, body, status, code) in cases {
        let a = api
            .send(method, path, body.map(str::to_owned), "192.0.2.3")
            .await;
        assert_eq!(
            (a.status, a.code()),
            (status, Some(code)),
            "{method} {path} {body:?}: {}",
            a.body
        );
        assert!(
            a.body["error"].as_str().is_some_and(|e| e.len() > 10),
            "{method} {path}"
        );
    }
    for (body, status, code) in [
        (r#"{"text":"x"}"#, 400, "unknown_field"),
        (r#"{"botParams":{"processed":true}}"#, 404, "not_found"),
    ] {
        let path = if status == 404 {
            "/api/comments/never-posted"
        } else {
            "/api/comments/abc"
        };
        let a = api
            .send_as_bot("PATCH", path, Some(body.into()), "192.0.2.3")
            .await;
        assert_eq!(
            (a.status, a.code()),
            (status, Some(code)),
            "{body}: {}",
            a.body
        );
    }
    let put = api.send("PUT", "/api/comments", None, "192.0.2.3").await;
    assert_eq!(put.header("allow"), Some("GET, POST, OPTIONS"));
    let field = api
        .send(
            "POST",
            "/api/comments",
            Some(r#"{"text":"a","color":"red"}"#.into()),
            "192.0.2.3",
        )
        .await;
    assert!(
        field.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("color")),
        "names the field: {}",
        field.body
    );
    // Announced too large: the worker refuses it without reading it, for either method.
    let big = json!({ "text": "a", "misc": "x".repeat(saywhatwant_wire::MAX_BODY_BYTES + 1024) })
        .to_string();
    for (method, path) in [("POST", "/api/comments"), ("PATCH", "/api/comments/abc")] {
        let a = api
            .send_as_bot(method, path, Some(big.clone()), "192.0.2.3")
            .await;
        assert_eq!(
            (a.status, a.code()),
            (413, Some("payload_too_large")),
            "{method}"
        );
    }
    // None of that stored anything.
    assert!(api
        .page("/api/comments?fresh=true&domain=unknown")
        .await
        .comments
        .iter()
        .all(|c| c.text != "a"));
}

#[tokio::test]
async fn three_hundred_concurrent_posts_are_all_stored_and_the_cache_converges() {
    let api = Api::new();
    let start = api.now_cursor().await;
    // The cached view exists before the race, as it would on a busy site.
    api.page("/api/comments?limit=500").await;
    let posts = (0..300).map(|i| {
        let api = &api;
        // Three hundred people, one post each.
        async move {
            api.post(
                json!({"text": format!("race {i}"), "domain": "race.test"}),
                &format!("198.18.{}.{}", i / 200, i % 200),
            )
            .await
        }
    });
    let posted: HashSet<String> = join_all(posts).await.into_iter().map(|c| c.id).collect();
    assert_eq!(posted.len(), 300);
    let got = api.drain(&start, 200, "&domain=race.test").await;
    assert_eq!(
        got.iter().map(|c| c.id.clone()).collect::<HashSet<_>>(),
        posted
    );
    assert_eq!(got.len(), 300, "each exactly once");
    // The log object rewrites the cached view from the log (never patching it) at most every
    // 10 s while the stream changes, so it ends up holding every one of them.
    let mut in_view = 0;
    let started = std::time::Instant::now();
    for _ in 0..45 {
        let view = api.page("/api/comments?limit=500&domain=race.test").await;
        in_view = view
            .comments
            .iter()
            .filter(|c| posted.contains(&c.id))
            .count();
        if in_view == 300 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(in_view, 300);
    eprintln!("the cached view held all 300 after {:?}", started.elapsed());
}

#[tokio::test]
async fn cursor_paging_with_a_small_limit_gives_each_comment_once_in_order() {
    let api = Api::new();
    let start = api.now_cursor().await;
    // Posted ten at a time, so several share a millisecond.
    let mut posted: Vec<Comment> = Vec::new();
    for batch in 0..3 {
        let posts = (0..10).map(|i| {
            let api = &api;
            async move {
                api.post(
                    json!({"text": format!("page {batch}.{i}"), "domain": "paging.test"}),
                    &format!("198.18.10.{}", batch * 10 + i),
                )
                .await
            }
        });
        posted.extend(join_all(posts).await);
    }
    posted.sort_by(chrono_cmp);
    for limit in [1, 3, 200] {
        let got = api.drain(&start, limit, "&domain=paging.test").await;
        assert_eq!(
            got.iter().map(|c| &c.id).collect::<Vec<_>>(),
            posted.iter().map(|c| &c.id).collect::<Vec<_>>(),
            "limit={limit}"
        );
    }
}

#[tokio::test]
async fn a_patch_is_seen_by_the_next_fresh_read_and_the_bot_poll_is_newest_first() {
    let api = Api::new();
    let mut mine = Vec::new();
    for i in 0..3 {
        mine.push(api.post(json!({"text": format!("bot food {i}"), "domain": "bot.test", "botParams": {"processed": false}}), "198.18.20.1").await);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let a = api
        .send_as_bot(
            "PATCH",
            &format!("/api/comments/{}", mine[1].id),
            Some(r#"{"botParams":{"processed":true}}"#.into()),
            "198.18.20.1",
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["botParams"]["processed"], true);
    let bot = api
        .page("/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true")
        .await;
    assert!(
        bot.comments
            .windows(2)
            .all(|w| chrono_cmp(&w[0], &w[1]).is_gt()),
        "newest first"
    );
    // Other tests post at the same time, so look at ours through the domain filter.
    let ours = api
        .page("/api/comments?limit=100&domain=bot.test&sort=timestamp&order=desc&fresh=true")
        .await;
    let seen: Vec<_> = ours.comments.iter().collect();
    assert_eq!(
        seen.iter().map(|c| &c.id).collect::<Vec<_>>(),
        [&mine[2].id, &mine[1].id, &mine[0].id]
    );
    let processed: Vec<_> = seen
        .iter()
        .map(|c| c.bot_params.as_ref().and_then(|b| b.processed))
        .collect();
    assert_eq!(processed, [Some(false), Some(true), Some(false)]);
}

#[tokio::test]
async fn posting_the_same_id_twice_stores_one_comment() {
    let api = Api::new();
    let body = json!({"id": "retry-me-1", "text": "only once", "domain": "retry.test"});
    let first = api
        .send(
            "POST",
            "/api/comments",
            Some(body.to_string()),
            "198.18.30.1",
        )
        .await;
    let again = api
        .send(
            "POST",
            "/api/comments",
            Some(body.to_string()),
            "198.18.30.1",
        )
        .await;
    assert_eq!((first.status, again.status), (201, 200));
    assert_eq!(first.body, again.body);
    assert_eq!(
        api.page("/api/comments?fresh=true&domain=retry.test")
            .await
            .comments
            .len(),
        1
    );
}

#[tokio::test]
async fn the_rate_limit_holds_per_address_and_the_body_cannot_bypass_it() {
    let api = Api::new();
    in_one_limit_window(15).await;
    let ip = "198.18.40.1";
    for i in 0..10 {
        api.post(
            json!({"text": format!("limited {i}"), "domain": "limit.test"}),
            ip,
        )
        .await;
    }
    for body in [
        json!({"text": "over", "id": "new-id-1"}),
        json!({"text": "over", "misc": "CF-Connecting-IP: 1.1.1.1"}),
    ] {
        let a = api
            .send("POST", "/api/comments", Some(body.to_string()), ip)
            .await;
        assert_eq!(
            (a.status, a.code()),
            (429, Some("rate_limited")),
            "{}",
            a.body
        );
        assert!(a
            .header("retry-after")
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|s| s > 0));
    }
    api.post(
        json!({"text": "someone else", "domain": "limit.test"}),
        "198.18.40.2",
    )
    .await;
}

#[tokio::test]
async fn the_original_browser_poll_url_works_with_a_timestamp() {
    let api = Api::new();
    let before = api
        .post(
            json!({"text": "before", "domain": "orig.test"}),
            "198.18.50.1",
        )
        .await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let human = api
        .post(
            json!({"text": "after", "domain": "orig.test"}),
            "198.18.50.1",
        )
        .await;
    api.post_as_bot(json!({"text": "a bot", "domain": "orig.test", "message-type": "AI"}))
        .await;
    // The original's URL shape (a timestamp cursor) for the first page; other suites post
    // hundreds at once on the same worker, so the rest is followed by the answers' cursors.
    let comments = api
        .drain(&before.timestamp.to_string(), 200, "&type=human")
        .await;
    assert!(comments.contains(&human));
    assert!(comments
        .iter()
        .all(|c| c.message_type == saywhatwant_wire::MessageType::Human
            && c.timestamp > before.timestamp));
}
