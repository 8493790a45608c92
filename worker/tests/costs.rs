//! What each request costs, counted the way Cloudflare bills it (object requests, SQLite rows
//! read and written, KV reads), asserted flat from 1 000 to 100 000 stored comments.

mod support;

use saywhatwant_api::log::{Usage, TAIL_CAP};
use support::{Harness, Req};

struct Cost {
    object_requests: u64,
    rows: Usage,
    kv_reads: u64,
}

fn cost(h: &Harness, req: Req<'_>) -> Cost {
    h.kv.reset_ops();
    let what = format!("{} {}", req.method, req.path);
    let (r, object_requests, rows) = h.cost_of(req);
    assert!(r.status < 300, "{what}: {} {}", r.status, r.body);
    Cost {
        object_requests,
        rows,
        kv_reads: h.kv.ops().gets,
    }
}

fn rows(read: u64, written: u64) -> Usage {
    Usage {
        rows_read: read,
        rows_written: written,
    }
}

#[test]
fn every_request_costs_the_same_at_any_history_size() {
    for n in [1_000u64, 10_000, 100_000] {
        let h = Harness::with_history(n);
        // The object has been answering for a while: its tail is in memory.
        h.page("/api/comments?limit=0&fresh=true");
        h.refresh_view();
        let head = format!("s{n}");

        let poll = cost(
            &h,
            Req::new(
                "GET",
                &format!("/api/comments?after={head}&limit=200&fresh=true"),
                "",
            ),
        );
        assert_eq!(
            (poll.object_requests, poll.rows),
            (1, rows(0, 0)),
            "poll at {n}"
        );

        let bot = cost(
            &h,
            Req::new(
                "GET",
                "/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true",
                "",
            ),
        );
        assert_eq!(
            (bot.object_requests, bot.rows),
            (1, rows(0, 0)),
            "bot poll at {n}"
        );

        let bulk = cost(&h, Req::new("GET", "/api/comments?limit=200", ""));
        assert_eq!(
            (bulk.object_requests, bulk.kv_reads),
            (0, 1),
            "bulk load at {n}"
        );

        let stats = cost(&h, Req::new("GET", "/api/stats", ""));
        assert_eq!(
            (stats.object_requests, stats.rows),
            (1, rows(0, 0)),
            "stats at {n}"
        );

        // A post's id is looked up in the tail, then in the store's in-memory index (built
        // once per wake from the hot rows' small columns: here the import of the history
        // already did). This one's seq starts a block, so it also makes that block's table
        // (2 schema rows written, 1 read).
        let first = cost(
            &h,
            Req::new("POST", "/api/comments", r#"{"id":"first-one","text":"x"}"#),
        );
        assert_eq!(
            (first.object_requests, first.rows),
            (1, rows(1, 3)),
            "first post at {n}"
        );

        // Every post after it: one row written, none read (issue 16: no SQL index).
        let post = cost(
            &h,
            Req::new("POST", "/api/comments", r#"{"id":"new-one","text":"x"}"#),
        );
        assert_eq!(
            (post.object_requests, post.rows),
            (1, rows(0, 1)),
            "post at {n}"
        );

        // PATCH of a comment held in memory: one row read and written.
        let patch = cost(
            &h,
            Req::new(
                "PATCH",
                "/api/comments/new-one",
                r#"{"botParams":{"processed":true}}"#,
            )
            .bot(),
        );
        assert_eq!(
            (patch.object_requests, patch.rows),
            (1, rows(1, 1)),
            "patch at {n}"
        );

        // Older than the tail: only the rows returned (and one to know there are more); at
        // 1 000 stored the tail holds them all.
        let back = n.saturating_sub(TAIL_CAP as u64 + 300);
        let old = cost(
            &h,
            Req::new(
                "GET",
                &format!("/api/comments?after=s{back}&limit=200&fresh=true"),
                "",
            ),
        );
        let want = if n > TAIL_CAP as u64 { 201 } else { 0 };
        assert_eq!(
            (old.object_requests, old.rows),
            (1, rows(want, 0)),
            "history at {n}"
        );

        // PATCH of a comment older than the tail: one more row, found through the index.
        let old_patch = cost(
            &h,
            Req::new(
                "PATCH",
                "/api/comments/seed5",
                r#"{"botParams":{"processed":true}}"#,
            )
            .bot(),
        );
        let want = if n > TAIL_CAP as u64 { 2 } else { 1 };
        assert_eq!(old_patch.rows, rows(want, 1), "old patch at {n}");
    }
}
