//! What each kind of request costs in KV operations, at 10 and at 100 000 stored comments.
//! The design's budgets: a fresh poll is one list and no gets (≤ 1000 new comments), a POST at
//! most three operations, PATCH and stats do not grow with history.

mod support;

use saywhatwant_api::memory_kv::OpCounts;
use saywhatwant_wire::CommentsPage;
use support::{json, Harness};

const SIZES: [u64; 2] = [10, 100_000];

/// KV operations as the design budgets them: lists, gets, puts.
fn cost(lists: u64, gets: u64, puts: u64) -> OpCounts {
    OpCounts { gets, puts, lists }
}

fn page(r: &saywhatwant_api::api::Response) -> CommentsPage {
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("page")
}

#[test]
fn a_fresh_poll_is_one_list_and_no_gets_at_any_history_size() {
    for n in SIZES {
        let h = Harness::with_history(n);
        let cursor = h
            .page("/api/comments?limit=5&fresh=true")
            .cursor
            .expect("cursor");
        for i in 0..3 {
            h.post(&format!(r#"{{"text":"new {i}"}}"#));
            h.advance(1);
        }
        h.advance(1_000);
        let (r, ops) = h.ops_of(
            "GET",
            &format!("/api/comments?after={cursor}&limit=200&fresh=true"),
            "",
        );
        let p = page(&r);
        assert_eq!(p.comments.len(), 3, "n={n}");
        assert_eq!(p.comments[2].text, "new 2", "n={n}: oldest first");
        assert_eq!(ops, cost(1, 0, 0), "n={n}");
        // An empty poll costs the same.
        let (r, ops) = h.ops_of(
            "GET",
            &format!(
                "/api/comments?after={}&limit=200&fresh=true",
                p.cursor.expect("c")
            ),
            "",
        );
        assert!(page(&r).comments.is_empty());
        assert_eq!(ops, cost(1, 0, 0), "n={n}");
    }
}

#[test]
fn the_bot_poll_is_one_list_at_any_history_size() {
    for n in SIZES {
        let h = Harness::with_history(n);
        let (r, ops) = h.ops_of(
            "GET",
            "/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true",
            "",
        );
        let p = page(&r);
        assert_eq!(p.comments.len(), 100.min(n as usize));
        assert_eq!(p.comments[0].id, format!("seed{}", n - 1), "newest first");
        assert_eq!(p.has_more, n > 100);
        assert_eq!(ops, cost(1, 0, 0), "n={n}");
    }
}

#[test]
fn a_post_costs_three_operations_and_a_repeat_two_reads() {
    for n in SIZES {
        let h = Harness::with_history(n);
        let (r, ops) = h.ops_of(
            "POST",
            "/api/comments",
            r#"{"id":"client-1","text":"hello"}"#,
        );
        assert_eq!(r.status, 201);
        assert_eq!(ops, cost(0, 1, 2), "n={n}");
        let (r, ops) = h.ops_of(
            "POST",
            "/api/comments",
            r#"{"id":"client-1","text":"hello"}"#,
        );
        assert_eq!(r.status, 200);
        assert_eq!(ops, cost(0, 2, 0), "n={n}");
    }
}

#[test]
fn a_patch_is_constant_and_never_lists() {
    for n in SIZES {
        let h = Harness::with_history(n);
        // The oldest comment: the one the original design's list could not reach past 1000.
        let (r, ops) = h.ops_of(
            "PATCH",
            "/api/comments/seed0",
            r#"{"botParams":{"processed":true}}"#,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(json(&r)["botParams"]["processed"], true);
        assert_eq!(ops, cost(0, 2, 1), "n={n}");
    }
}

#[test]
fn a_warm_bulk_load_and_stats_are_one_read() {
    for n in SIZES {
        let h = Harness::with_history(n);
        // The first read builds the view (a one-time walk that counts the history).
        assert_eq!(
            h.page("/api/comments?limit=50").comments.len(),
            50.min(n as usize)
        );
        let (r, ops) = h.ops_of("GET", "/api/comments?limit=50", "");
        assert_eq!(page(&r).source, saywhatwant_wire::Source::Cache);
        assert_eq!(ops, cost(0, 1, 0), "n={n}");
        let (r, ops) = h.ops_of("GET", "/api/stats", "");
        assert_eq!(json(&r)["totalMessages"], n);
        assert_eq!(ops, cost(0, 1, 0), "n={n}");
    }
}

#[test]
fn refreshing_the_view_costs_what_was_posted_since_not_the_history() {
    for n in SIZES {
        let h = Harness::with_history(n);
        h.page("/api/comments?limit=50");
        for i in 0..20 {
            h.post(&format!(r#"{{"text":"later {i}"}}"#));
        }
        h.advance(40_000);
        // Expired: rebuilt before answering. One get, then lists only down to the old newest key
        // (and as far as the 500-comment window needs).
        let (r, ops) = h.ops_of("GET", "/api/stats", "");
        assert_eq!(json(&r)["totalMessages"], n + 20, "n={n}");
        assert_eq!(ops.gets, 1, "n={n}");
        assert_eq!(ops.puts, 0, "the write is deferred");
        assert_eq!(ops.lists, 1, "n={n}");
    }
}

#[test]
fn comments_too_large_for_metadata_cost_one_get_each() {
    let h = Harness::with_history(10);
    let cursor = h.page("/api/comments?fresh=true").cursor.expect("cursor");
    let big = "é".repeat(900);
    h.post(&format!(r#"{{"text":"{big}"}}"#));
    h.post(r#"{"text":"small"}"#);
    h.advance(1_000);
    let (r, ops) = h.ops_of(
        "GET",
        &format!("/api/comments?after={cursor}&fresh=true"),
        "",
    );
    assert_eq!(page(&r).comments.len(), 2);
    assert_eq!(ops, cost(1, 1, 0));
}

#[test]
fn a_view_rebuilt_for_a_request_it_cannot_answer_is_still_stored() {
    let h = Harness::with_history(2_000);
    // More than the view holds: answered fresh, but the view built on the way is kept.
    assert_eq!(
        h.page("/api/comments?limit=800").source,
        saywhatwant_wire::Source::Fresh
    );
    let (_, ops) = h.ops_of("GET", "/api/comments?limit=50", "");
    assert_eq!(ops, cost(0, 1, 0), "served from the stored view");
}
