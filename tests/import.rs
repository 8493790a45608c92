//! Moving an existing stream: a local KV holding the original design's layout
//! (`tests/fixtures/original-kv.json`, written into the worker's local KV before it starts) is
//! imported with `scripts/import.sh`, as docs/api.md says to. Order, ids and times are kept,
//! the unreadable key and the comments a post would not pass are named, and a second run imports nothing.

use std::process::Command;

use saywhatwant_e2e::{base_url, bot_token, Api};
use serde_json::Value;

fn run_import() -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(format!("{root}/scripts/import.sh"))
        .arg(base_url())
        .env("BOT_TOKEN", bot_token())
        .output()
        .expect("scripts/import.sh runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("refused comment:1700000000001:broken"),
        "{stderr}"
    );
    // Through the same checks as a post, and times bounded (past 2^53 no page could read it).
    for refused in ["refused hidden: ", "refused toolate: "] {
        assert!(stderr.contains(refused), "{refused}: {stderr}");
    }
    stdout
}

#[tokio::test]
async fn the_original_layout_is_imported_in_order_once() {
    let fixture: Vec<Value> =
        serde_json::from_str(include_str!("fixtures/original-kv.json")).expect("the fixture");
    // One value is not JSON, one text is only hidden characters, one time is past 2^53.
    let want = fixture.len() - 3;
    let first = run_import();
    assert!(
        first.contains(&format!("imported {want}, already there 0, refused 3")),
        "{first}"
    );
    let api = Api::new();
    let page = api
        .page("/api/comments?after=s0&limit=1000&fresh=true")
        .await;
    assert_eq!(page.comments.len(), want);
    // The original's order: time, then its keys' order within a millisecond, also where a
    // shared millisecond falls across two import steps (orig0198 and orig0199 here).
    let ids: Vec<&str> = page.comments.iter().map(|c| c.id.as_str()).collect();
    let in_order: Vec<String> = (0..want).map(|i| format!("orig{i:04}")).collect();
    assert_eq!(ids, in_order.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(page.comments[0].timestamp, 1_700_000_000_000);
    assert_eq!(page.comments[0].color.as_deref(), Some("200100050"));
    assert_eq!(
        page.comments[1].color, None,
        "a colour in another format is dropped"
    );
    let again = run_import();
    assert!(
        again.contains(&format!("imported 0, already there {want}")),
        "{again}"
    );
    let stats = api.get("/api/stats").await.body["totalMessages"].as_u64();
    assert_eq!(stats, Some(want as u64));
    // New posts come after the history.
    let new = api
        .post(
            serde_json::json!({"text": "after the move"}),
            "198.18.120.1",
        )
        .await;
    let next = api
        .page(&format!("/api/comments?after=s{want}&fresh=true"))
        .await;
    assert_eq!(next.comments, vec![new]);
}
