//! The API's behaviour over the in-memory KV: cursors, caching, errors, failures.

mod support;

use std::collections::HashSet;

use saywhatwant_wire::{chrono_cmp, Comment, Source};
use support::{json, Harness};

/// Follows `cursor` from `start` with the given page size until caught up.
fn drain(h: &Harness, start: &str, limit: usize, extra: &str) -> Vec<Comment> {
    let mut cursor = start.to_owned();
    let mut got = Vec::new();
    for _ in 0..10_000 {
        let p = h.page(&format!(
            "/api/comments?after={cursor}&limit={limit}&fresh=true{extra}"
        ));
        assert!(p.comments.len() <= limit);
        got.extend(p.comments);
        cursor = p.cursor.expect("a cursor");
        if !p.has_more {
            return got;
        }
    }
    panic!("never caught up");
}

#[test]
fn the_cursor_delivers_each_comment_once_in_order_even_within_one_millisecond() {
    let h = Harness::with_history(50);
    let start = h
        .page("/api/comments?fresh=true&limit=0")
        .cursor
        .expect("cursor");
    let mut posted = Vec::new();
    // 40 posts in the same millisecond, then 25 spread out.
    for i in 0..40 {
        posted.push(h.post(&format!(r#"{{"text":"same ms {i}"}}"#)));
    }
    for i in 0..25 {
        h.advance(3);
        posted.push(h.post(&format!(r#"{{"text":"later {i}"}}"#)));
    }
    h.advance(1_000);
    posted.sort_by(chrono_cmp);
    for limit in [1, 7, 200] {
        let got = drain(&h, &start, limit, "");
        let ids: Vec<_> = got.iter().map(|c| &c.id).collect();
        let want: Vec<_> = posted.iter().map(|c| &c.id).collect();
        assert_eq!(ids, want, "limit={limit}");
    }
}

#[test]
fn more_than_1000_new_comments_page_through_with_has_more() {
    let h = Harness::with_history(3_000);
    // A cursor 2 500 comments back: three lists, delivered 1000 at a time.
    let all = h.page("/api/comments?limit=1000&fresh=true&order=desc");
    assert_eq!(all.comments.len(), 1000);
    let start = format!("{}", all.comments[999].timestamp - 1_501);
    let got = drain(&h, &start, 1000, "");
    assert_eq!(got.len(), 2_500);
    assert!(got.windows(2).all(|w| chrono_cmp(&w[0], &w[1]).is_lt()));
    assert_eq!(
        got.iter().map(|c| &c.id).collect::<HashSet<_>>().len(),
        2_500
    );
}

#[test]
fn a_cursor_far_behind_is_told_to_reload() {
    let h = Harness::with_history(21_000);
    let r = h.request("GET", "/api/comments?after=1&fresh=true", "");
    assert_eq!(
        (r.status, json(&r)["code"].as_str()),
        (410, Some("cursor_expired"))
    );
}

#[test]
fn comments_still_in_flight_are_held_back_until_settled() {
    let h = Harness::with_history(5);
    let cursor = h.page("/api/comments?fresh=true").cursor.expect("cursor");
    let c = h.post(r#"{"text":"just now"}"#);
    let p = h.page(&format!("/api/comments?after={cursor}&fresh=true"));
    assert!(
        p.comments.is_empty(),
        "a comment younger than the settle time is not passed over"
    );
    assert_eq!(
        p.cursor.as_deref(),
        Some(cursor.as_str()),
        "and the cursor does not move past it"
    );
    h.advance(300);
    let p = h.page(&format!("/api/comments?after={cursor}&fresh=true"));
    assert_eq!(p.comments, vec![c]);
}

#[test]
fn a_timestamp_cursor_from_the_original_clients_works() {
    let h = Harness::with_history(0);
    let a = h.post(r#"{"text":"a"}"#);
    h.advance(10);
    let b = h.post(r#"{"text":"b"}"#);
    h.advance(1_000);
    let p = h.page(&format!(
        "/api/comments?after={}&limit=200&fresh=true&type=human",
        a.timestamp
    ));
    assert_eq!(p.comments, vec![b]);
}

#[test]
fn filters_by_type_and_domain_and_orders_both_ways() {
    let h = Harness::new();
    h.post(r#"{"text":"h1"}"#);
    h.advance(5);
    h.post(r#"{"text":"ai1","message-type":"AI","domain":"bots.example"}"#);
    h.advance(5);
    h.post(r#"{"text":"h2"}"#);
    h.advance(1_000);
    let texts =
        |q: &str| -> Vec<String> { h.page(q).comments.into_iter().map(|c| c.text).collect() };
    for fresh in ["&fresh=true", ""] {
        assert_eq!(
            texts(&format!("/api/comments?type=human{fresh}")),
            ["h1", "h2"]
        );
        assert_eq!(texts(&format!("/api/comments?type=AI{fresh}")), ["ai1"]);
        assert_eq!(
            texts(&format!("/api/comments?domain=bots.example{fresh}")),
            ["ai1"]
        );
        assert_eq!(
            texts(&format!("/api/comments?domain=all&order=desc{fresh}")),
            ["h2", "ai1", "h1"]
        );
        assert_eq!(
            texts(&format!("/api/comments?limit=2{fresh}")),
            ["ai1", "h2"]
        );
    }
}

#[test]
fn the_bulk_load_comes_from_the_view_and_its_cursor_leaves_no_gap() {
    let h = Harness::with_history(20);
    let first = h.page("/api/comments?limit=10");
    assert_eq!(first.source, Source::Cache);
    assert!(first.has_more);
    // Posts after the view was built are not in it, but the first fresh poll from its cursor
    // finds every one of them.
    h.advance(500);
    let mut posted: Vec<_> = (0..5)
        .map(|i| h.post(&format!(r#"{{"text":"p{i}"}}"#)))
        .collect();
    posted.sort_by(chrono_cmp);
    h.advance(1_000);
    let stale = h.page("/api/comments?limit=10");
    assert_eq!(stale.source, Source::Cache);
    assert!(
        stale.comments.iter().all(|c| !c.text.starts_with('p')),
        "the view is not patched by POST"
    );
    let got = drain(&h, &stale.cursor.expect("cursor"), 200, "");
    assert_eq!(got, posted);
}

#[test]
fn racing_posts_all_reach_the_source_and_the_view_converges() {
    let h = Harness::with_history(100);
    h.page("/api/comments");
    // Posts interleaved with reads of the view, as concurrent requests would be.
    let mut ids = HashSet::new();
    for i in 0..300 {
        ids.insert(h.post(&format!(r#"{{"text":"race {i}"}}"#)).id);
        if i % 50 == 0 {
            h.page("/api/comments?limit=500");
        }
    }
    assert_eq!(ids.len(), 300);
    h.advance(31_000);
    let view = h.page("/api/comments?limit=500");
    assert_eq!(
        view.comments.iter().filter(|c| ids.contains(&c.id)).count(),
        300
    );
    assert_eq!(
        json(&h.request("GET", "/api/stats", ""))["totalMessages"],
        400
    );
}

#[test]
fn post_sets_server_time_and_defaults_and_is_idempotent() {
    let h = Harness::new();
    let r = h.request(
        "POST",
        "/api/comments",
        r#"{"id":"mine","text":"  hi  ","timestamp":1}"#,
    );
    assert_eq!(r.status, 201);
    let c: Comment = serde_json::from_str(&r.body).expect("comment");
    assert_eq!((c.text.as_str(), c.timestamp), ("hi", support::T0));
    assert_eq!(
        (c.domain.as_str(), c.language.as_str()),
        ("saywhatwant.app", "en")
    );
    h.advance(5_000);
    let again = h.request(
        "POST",
        "/api/comments",
        r#"{"id":"mine","text":"different"}"#,
    );
    assert_eq!(again.status, 200);
    assert_eq!(
        serde_json::from_str::<Comment>(&again.body).expect("comment"),
        c
    );
    h.advance(1_000);
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 1);
    // Without an id the server makes one.
    assert!(!h.post(r#"{"text":"x"}"#).id.is_empty());
}

#[test]
fn patch_changes_what_the_next_fresh_read_sees() {
    let h = Harness::with_history(1_500);
    let r = h.request(
        "PATCH",
        "/api/comments/seed3",
        r#"{"botParams":{"processed":true}}"#,
    );
    assert_eq!(r.status, 200);
    // The oldest comments, far past the first 1000 keys of a list.
    let oldest = h.page("/api/comments?after=1&fresh=true&limit=10").comments;
    assert_eq!(oldest[3].id, "seed3");
    assert_eq!(
        oldest[3].bot_params.as_ref().and_then(|b| b.processed),
        Some(true)
    );
    assert_eq!(oldest[2].bot_params, None);
    let missing = h.request(
        "PATCH",
        "/api/comments/nope",
        r#"{"botParams":{"processed":true}}"#,
    );
    assert_eq!(
        (missing.status, json(&missing)["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[test]
fn every_bad_request_gets_a_clear_4xx_and_stores_nothing() {
    let h = Harness::new();
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        ("GET", "/api/comments?limit=-1", "", 400, "invalid_limit"),
        ("GET", "/api/comments?limit=ten", "", 400, "invalid_limit"),
        ("GET", "/api/comments?after=soon", "", 400, "invalid_after"),
        ("GET", "/api/comments?type=robot", "", 400, "invalid_type"),
        ("GET", "/api/comments?sort=likes", "", 400, "invalid_sort"),
        (
            "GET",
            "/api/comments?order=sideways",
            "",
            400,
            "invalid_order",
        ),
        ("POST", "/api/comments", "not json", 400, "invalid_json"),
        (
            "POST",
            "/api/comments",
            r#"{"text":""}"#,
            400,
            "invalid_field",
        ),
        (
            "POST",
            "/api/comments",
            r#"{"text":"a","colour":"1"}"#,
            400,
            "unknown_field",
        ),
        (
            "PATCH",
            "/api/comments/x",
            r#"{"botParams":{"processed":"yes"}}"#,
            400,
            "invalid_field",
        ),
        (
            "PATCH",
            "/api/comments/bad%20id",
            r#"{"botParams":{"processed":true}}"#,
            400,
            "invalid_id",
        ),
        ("DELETE", "/api/comments", "", 405, "method_not_allowed"),
        ("GET", "/api/nowhere", "", 404, "not_found"),
    ];
    for (method, path, body, status, code) in cases {
        let r = h.request(method, path, body);
        assert_eq!(
            (r.status, json(&r)["code"].as_str()),
            (*status, Some(*code)),
            "{method} {path} {body}"
        );
        assert!(
            json(&r)["error"].as_str().is_some_and(|e| e.len() > 10),
            "{method} {path}: says what was wrong"
        );
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    }
    let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(17 * 1024));
    let r = h.request("POST", "/api/comments", &big);
    assert_eq!(
        (r.status, json(&r)["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let r = h.request("DELETE", "/api/comments", "");
    assert_eq!(r.header("Allow"), Some("GET, POST, OPTIONS"));
    assert!(h.kv.is_empty(), "nothing was stored");
}

#[test]
fn options_and_cors_on_every_answer() {
    let h = Harness::new();
    for path in ["/api/comments", "/api/comments/abc", "/anything"] {
        let r = h.request("OPTIONS", path, "");
        assert_eq!(r.status, 204);
        assert_eq!(
            r.header("Access-Control-Allow-Methods"),
            Some("GET, POST, PATCH, OPTIONS")
        );
        assert_eq!(
            r.header("Access-Control-Allow-Headers"),
            Some("Content-Type")
        );
        assert_eq!(r.header("Access-Control-Max-Age"), Some("86400"));
    }
    let r = h.request("GET", "/api/health", "");
    assert_eq!((r.status, json(&r)), (200, serde_json::json!({"ok": true})));
    assert_eq!(
        h.request("GET", "/api/comments?fresh=true", "")
            .header("Cache-Control"),
        Some("no-store")
    );
}

#[test]
fn the_rate_limit_counts_per_address_and_the_body_cannot_bypass_it() {
    let mut h = Harness::new();
    h.config.rate_limit = true;
    for i in 0..10 {
        let r = h.request_from(
            "POST",
            "/api/comments",
            &format!(r#"{{"text":"{i}"}}"#),
            Some("198.51.100.1"),
        );
        assert_eq!(r.status, 201);
    }
    // Neither a new id nor a claimed address in the body gets past it.
    for body in [
        r#"{"text":"x","id":"fresh-id"}"#,
        r#"{"text":"x","misc":"CF-Connecting-IP: 1.2.3.4"}"#,
    ] {
        let r = h.request_from("POST", "/api/comments", body, Some("198.51.100.1"));
        assert_eq!((r.status, r.header("Retry-After")), (429, Some("60")));
        assert_eq!(json(&r)["code"], "rate_limited");
    }
    assert_eq!(
        h.request_from(
            "POST",
            "/api/comments",
            r#"{"text":"y"}"#,
            Some("198.51.100.2")
        )
        .status,
        201
    );
}

#[test]
fn a_failing_kv_answers_503_never_an_empty_200() {
    let h = Harness::with_history(3);
    h.kv.set_failing(true);
    for (method, path, body) in [
        ("GET", "/api/comments", ""),
        ("GET", "/api/comments?fresh=true", ""),
        ("GET", "/api/stats", ""),
        ("POST", "/api/comments", r#"{"text":"x"}"#),
        (
            "PATCH",
            "/api/comments/seed1",
            r#"{"botParams":{"processed":true}}"#,
        ),
    ] {
        let r = h.request(method, path, body);
        assert_eq!(
            (r.status, json(&r)["code"].as_str()),
            (503, Some("storage_unavailable")),
            "{method} {path}"
        );
    }
    h.kv.set_failing(false);
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 3);
}
