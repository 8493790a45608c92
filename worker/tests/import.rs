//! Moving a stream from the original KV layout into the log: order, ids and times kept, run
//! in steps, safe to re-run.

mod support;

use saywhatwant_wire::Comment;
use serde_json::{json, Value};
use support::{json, Harness, Req, T0};

/// The original design's keys: `comment:<ms>:<id>`, the comment's JSON as the value.
fn seed_original(h: &Harness, n: u64) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        // Pairs share a millisecond, as busy moments did.
        let ts = T0 - 1_000_000 + (i / 2) * 7;
        let id = format!("orig{i:04}");
        let value = json!({"id": id, "text": format!("old {i}"), "timestamp": ts,
                           "username": "old", "color": "rgb(1,2,3)", "domain": "saywhatwant.app"});
        h.kv.seed(format!("comment:{ts}:{id}"), value.to_string(), None);
        ids.push(id);
    }
    h.kv.seed("comment:1:broken".into(), "{not json".into(), None);
    ids
}

fn import_all(h: &Harness) -> (u64, u64, Vec<Value>, usize) {
    let (mut imported, mut already, mut refused, mut steps) = (0, 0, Vec::new(), 0);
    let mut cursor = Value::Null;
    loop {
        let body = json!({ "cursor": cursor }).to_string();
        let r = h.call(Req::new("POST", "/api/admin/import", &body).admin());
        assert_eq!(r.status, 200, "{}", r.body);
        let step = json(&r);
        imported += step["imported"].as_u64().unwrap_or(0);
        already += step["already"].as_u64().unwrap_or(0);
        refused.extend(step["refused"].as_array().cloned().unwrap_or_default());
        steps += 1;
        cursor = step["cursor"].clone();
        if step["done"] == true {
            return (imported, already, refused, steps);
        }
    }
}

#[test]
fn imports_in_order_with_ids_and_times_kept_and_a_rerun_changes_nothing() {
    let h = Harness::new();
    let ids = seed_original(&h, 450);
    let (imported, already, refused, steps) = import_all(&h);
    assert_eq!((imported, already, steps), (450, 0, 3));
    assert_eq!(refused.len(), 1, "the unreadable key is named: {refused:?}");
    assert_eq!(refused[0]["id"], "comment:1:broken");
    let page = h.page("/api/comments?after=s0&limit=1000&fresh=true");
    let got: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    // Same millisecond: the original's key order (id ascending), even across import steps.
    assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());
    let first: &Comment = &page.comments[0];
    assert_eq!(
        (first.timestamp, first.color.as_deref()),
        (T0 - 1_000_000, None)
    );
    // Again: everything is already there.
    let (imported, already, _, _) = import_all(&h);
    assert_eq!((imported, already), (0, 450));
    assert_eq!(
        json(&h.request("GET", "/api/stats", ""))["totalMessages"],
        450
    );
    // New posts continue after the history.
    let new = h.post(r#"{"text":"after the move"}"#);
    assert_eq!(new.timestamp, T0);
    let next = h.page("/api/comments?after=s450&fresh=true");
    assert_eq!(next.comments, vec![new]);
}

#[test]
fn importing_needs_the_operator_credential() {
    let h = Harness::new();
    seed_original(&h, 3);
    let r = h.request("POST", "/api/admin/import", "{}");
    assert_eq!(r.status, 401);
    let bad = h.call(Req::new("POST", "/api/admin/import", r#"{"cursor":5}"#).admin());
    assert_eq!(
        (bad.status, json(&bad)["code"].as_str()),
        (400, Some("invalid_json"))
    );
    assert!(h.page("/api/comments?fresh=true").comments.is_empty());
}
