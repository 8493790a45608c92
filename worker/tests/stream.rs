//! The stream's semantics through the whole API, natively: cursors, order, the recent view,
//! writes, stats.

mod support;

use saywhatwant_wire::{Comment, CommentsPage, MessageType, Source};
use serde_json::json;
use support::{Harness, Req, T0};

fn drain(h: &Harness, start: &str, limit: usize, extra: &str) -> (Vec<Comment>, String) {
    let mut cursor = start.to_owned();
    let mut got = Vec::new();
    loop {
        let p = h.page(&format!(
            "/api/comments?after={cursor}&limit={limit}&fresh=true{extra}"
        ));
        assert!(p.comments.len() <= limit);
        got.extend(p.comments);
        cursor = p.cursor.expect("a cursor");
        if !p.has_more {
            return (got, cursor);
        }
    }
}

#[test]
fn a_cursor_delivers_each_comment_once_in_order_however_it_pages() {
    let h = Harness::new();
    let start = h
        .page("/api/comments?limit=0&fresh=true")
        .cursor
        .expect("cursor");
    assert_eq!(start, "s0");
    // The clock stands still: thirty posts in one millisecond.
    let posted: Vec<Comment> = (0..30)
        .map(|i| h.post(&json!({"text": format!("p{i}")}).to_string()))
        .collect();
    for limit in [1, 4, 200] {
        let (got, end) = drain(&h, &start, limit, "");
        assert_eq!(got, posted, "limit={limit}");
        assert_eq!(end, "s30");
    }
    // Display order agrees with the log order: times are strictly increasing.
    assert!(posted.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
}

#[test]
fn more_than_a_thousand_new_comments_page_through_with_has_more() {
    let h = Harness::with_history(2_500);
    let first = h.page("/api/comments?after=s0&limit=5000&fresh=true");
    assert_eq!((first.comments.len(), first.has_more), (1000, true));
    assert_eq!(first.cursor.as_deref(), Some("s1000"));
    let (rest, end) = drain(&h, "s1000", 1000, "");
    assert_eq!(rest.len(), 1500);
    assert_eq!(rest[0].id, "seed1000");
    assert_eq!(end, "s2500");
}

#[test]
fn the_original_clients_urls_work_as_written() {
    let h = Harness::with_history(20);
    let before = h.post(r#"{"text":"before"}"#);
    h.advance(5);
    let human = h.post(r#"{"text":"after"}"#);
    let ai = h.call(
        Req::new(
            "POST",
            "/api/comments",
            r#"{"text":"a bot","message-type":"AI"}"#,
        )
        .bot(),
    );
    assert_eq!(ai.status, 201, "{}", ai.body);
    let p = h.page(&format!(
        "/api/comments?after={}&limit=200&fresh=true&type=human",
        before.timestamp
    ));
    assert_eq!(p.comments, vec![human.clone()]);
    let bot = h.page("/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true");
    assert_eq!(bot.comments.len(), 23);
    assert!(
        bot.comments
            .windows(2)
            .all(|w| w[0].timestamp > w[1].timestamp),
        "newest first"
    );
    assert_eq!(bot.comments[0].text, "a bot");
    assert_eq!(bot.source, Source::Fresh);
}

#[test]
fn filters_by_type_and_domain_and_orders_both_ways() {
    let h = Harness::new();
    for (text, domain, mt) in [
        ("a", "one.test", "human"),
        ("b", "two.test", "human"),
        ("c", "one.test", "AI"),
        ("d", "one.test", "human"),
    ] {
        let r = h.call(
            Req::new(
                "POST",
                "/api/comments",
                &json!({"text": text, "domain": domain, "message-type": mt}).to_string(),
            )
            .bot(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let texts = |p: CommentsPage| p.comments.into_iter().map(|c| c.text).collect::<Vec<_>>();
    assert_eq!(
        texts(h.page("/api/comments?fresh=true&domain=one.test")),
        ["a", "c", "d"]
    );
    assert_eq!(
        texts(h.page("/api/comments?fresh=true&domain=one.test&type=human&order=desc")),
        ["d", "a"]
    );
    assert_eq!(texts(h.page("/api/comments?fresh=true&type=AI")), ["c"]);
    assert_eq!(
        texts(h.page("/api/comments?after=s1&fresh=true&domain=one.test&limit=1")),
        ["c"]
    );
}

#[test]
fn the_bulk_load_comes_from_the_view_and_its_cursor_leaves_no_gap() {
    let h = Harness::with_history(50);
    // No view yet: the log answers.
    assert_eq!(h.page("/api/comments?limit=20").source, Source::Fresh);
    h.refresh_view();
    // Posts the view has not seen yet (the object rewrites it at most every 10 s).
    let late: Vec<Comment> = (0..3)
        .map(|i| h.post(&json!({"text": format!("late {i}")}).to_string()))
        .collect();
    let bulk = h.page("/api/comments?limit=20");
    assert_eq!(bulk.source, Source::Cache);
    assert_eq!(bulk.comments.len(), 20);
    assert_eq!(bulk.comments.last().map(|c| c.id.as_str()), Some("seed49"));
    assert!(bulk.has_more);
    let poll = h.page(&format!(
        "/api/comments?after={}&limit=200&fresh=true",
        bulk.cursor.expect("cursor")
    ));
    assert_eq!(poll.comments, late, "exactly what the view lacked");
    // Asking for more than the view holds goes to the log.
    assert_eq!(h.page("/api/comments?limit=800").source, Source::Fresh);
}

#[test]
fn post_sets_server_time_and_defaults_and_is_idempotent() {
    let h = Harness::new();
    let body = json!({"id": "client-1", "text": "  hello  ", "timestamp": 1}).to_string();
    let first = h.request("POST", "/api/comments", &body);
    assert_eq!(first.status, 201);
    let c: Comment = serde_json::from_str(&first.body).expect("comment");
    assert_eq!((c.text.as_str(), c.timestamp), ("hello", T0));
    assert_eq!(
        (c.domain.as_str(), c.language.as_str()),
        ("saywhatwant.app", "en")
    );
    assert_eq!(c.message_type, MessageType::Human);
    h.advance(1000);
    let again = h.request("POST", "/api/comments", &body);
    assert_eq!(
        (again.status, again.body.as_str()),
        (200, first.body.as_str())
    );
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 1);
}

#[test]
fn stats_are_exact_at_once() {
    let h = Harness::with_history(1234);
    let stats =
        |h: &Harness| support::json(&h.request("GET", "/api/stats", ""))["totalMessages"].clone();
    assert_eq!(stats(&h), json!(1234));
    h.post(r#"{"text":"one more"}"#);
    assert_eq!(stats(&h), json!(1235));
}

#[test]
fn a_patch_is_in_the_next_fresh_read_and_the_bot_poll() {
    let h = Harness::new();
    let c = h.post(r#"{"text":"answer me","botParams":{"processed":false}}"#);
    let r = h.call(
        Req::new(
            "PATCH",
            &format!("/api/comments/{}", c.id),
            r#"{"botParams":{"processed":true}}"#,
        )
        .bot(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let bot = h.page("/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true");
    assert_eq!(
        bot.comments[0]
            .bot_params
            .as_ref()
            .and_then(|b| b.processed),
        Some(true)
    );
}

#[test]
fn a_cursor_from_another_stream_is_told_to_reload() {
    let h = Harness::with_history(3);
    let r = h.request("GET", "/api/comments?after=s99&fresh=true", "");
    assert_eq!(r.status, 410);
    assert_eq!(support::json(&r)["code"], "cursor_expired");
}
