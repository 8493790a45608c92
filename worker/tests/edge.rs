//! The per-location list cache: readers share one KV list per half second, and every reader
//! still receives every comment exactly once, in order.

mod support;

use std::collections::HashMap;

use saywhatwant_api::edge::{MemoryEdgeCache, EDGE_TTL_MS};
use saywhatwant_wire::{chrono_cmp, Comment};
use support::Harness;

#[test]
fn many_readers_share_one_list_per_ttl() {
    let mut h = Harness::with_history(2_000);
    h.edge = Some(MemoryEdgeCache::default());
    let cursor = h
        .page("/api/comments?limit=0&fresh=true")
        .cursor
        .expect("cursor");
    let mut lists = 0;
    for _ in 0..200 {
        let (r, ops) = h.ops_of(
            "GET",
            &format!("/api/comments?after={cursor}&limit=200&fresh=true"),
            "",
        );
        assert_eq!(r.status, 200);
        lists += ops.lists;
    }
    assert_eq!(lists, 0, "all within the TTL of the first poll's page");
    h.advance(EDGE_TTL_MS);
    let (_, ops) = h.ops_of(
        "GET",
        &format!("/api/comments?after={cursor}&limit=200&fresh=true"),
        "",
    );
    assert_eq!(ops.lists, 1, "an expired page is listed again");
}

#[test]
fn readers_on_a_shared_page_still_get_each_comment_once_in_order() {
    let mut h = Harness::with_history(10);
    h.edge = Some(MemoryEdgeCache::default());
    let start = h
        .page("/api/comments?limit=0&fresh=true")
        .cursor
        .expect("cursor");
    // Five readers polling at different phases while comments keep arriving, several per ms.
    let mut cursors: HashMap<usize, String> = (0..5).map(|r| (r, start.clone())).collect();
    let mut got: HashMap<usize, Vec<Comment>> = HashMap::new();
    let mut posted = Vec::new();
    for step in 0..400 {
        if step % 3 == 0 {
            posted.push(h.post(&format!(r#"{{"text":"tick {step}"}}"#)));
            posted.push(h.post(&format!(r#"{{"text":"tock {step}"}}"#)));
        }
        let reader = step % 5;
        let p = h.page(&format!(
            "/api/comments?after={}&limit=7&fresh=true",
            cursors[&reader]
        ));
        got.entry(reader).or_default().extend(p.comments);
        cursors.insert(reader, p.cursor.expect("cursor"));
        h.advance(37);
    }
    h.advance(2_000);
    posted.sort_by(chrono_cmp);
    for reader in 0..5 {
        loop {
            let p = h.page(&format!(
                "/api/comments?after={}&limit=200&fresh=true",
                cursors[&reader]
            ));
            got.entry(reader).or_default().extend(p.comments);
            cursors.insert(reader, p.cursor.expect("cursor"));
            if !p.has_more {
                break;
            }
        }
        let ids: Vec<_> = got[&reader].iter().map(|c| &c.id).collect();
        assert_eq!(
            ids,
            posted.iter().map(|c| &c.id).collect::<Vec<_>>(),
            "reader {reader}"
        );
    }
}
