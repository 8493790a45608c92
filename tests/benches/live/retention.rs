//! `retention`: what deleting old comments costs, as the object's own SQLite counts it, and
//! whether posts wait on it. The rule is set to its least (1 000 kept) over a log with at
//! least 2 000 more; the alarm deletes 500 a time while posts go on.

use std::time::{Duration, Instant};

use saywhatwant_e2e::Api;
use saywhatwant_wire::moderation::{DEFAULT_KEEP_COMMENTS, MIN_KEEP_COMMENTS};
use serde_json::json;

use super::{object_info, percentile};

const IP: &str = "198.18.203.1";

async fn set_keep(api: &Api, keep: u64) {
    let body = json!({"action": "retention", "keep": keep}).to_string();
    let a = api
        .send_as_admin("POST", "/api/admin/actions", Some(body), IP)
        .await;
    assert_eq!(a.status, 200, "retention: {}", a.body);
}

/// Posts one small comment; how long its answer took (ms).
async fn timed_post(api: &Api, i: usize) -> f64 {
    let t = Instant::now();
    api.post(json!({"text": format!("retention {i}")}), IP)
        .await;
    t.elapsed().as_secs_f64() * 1000.0
}

fn pruned(info: &serde_json::Value) -> (u64, u64, u64) {
    let p = &info["pruned"];
    let n = |k: &str| p[k].as_u64().unwrap_or(0);
    (n("comments"), n("rowsRead"), n("rowsWritten"))
}

pub async fn retention(api: &Api) {
    let head = object_info(api).await["head"].as_u64().unwrap_or(0);
    let wanted = MIN_KEEP_COMMENTS + 2_000;
    let mut before = Vec::new();
    for i in 0..wanted.saturating_sub(head).max(50) as usize {
        before.push(timed_post(api, i).await);
    }
    let (start, read0, written0) = pruned(&object_info(api).await);
    set_keep(api, MIN_KEEP_COMMENTS).await;
    // Posts go on while the alarm deletes (each post also keeps the alarm scheduled).
    let mut during = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = (start, read0, written0);
    while Instant::now() < deadline {
        during.push(timed_post(api, during.len()).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
        if during.len() % 10 == 0 {
            last = pruned(&object_info(api).await);
            if last.0 >= start + 1_500 {
                break;
            }
        }
    }
    set_keep(api, DEFAULT_KEEP_COMMENTS).await;
    let gone = last.0 - start;
    assert!(gone > 0, "retention deleted nothing in 60 s");
    let per = |rows: u64| rows as f64 / gone as f64;
    println!("### Retention: deleting old comments in the background\n");
    println!("| measurement | result |\n|---|---|");
    println!("| comments deleted (500 per alarm) | {gone} |");
    println!(
        "| rows read / written per deleted comment (the object's SQLite) | {:.2} / {:.2} |",
        per(last.1 - read0),
        per(last.2 - written0)
    );
    println!(
        "| POST median / p99 before | {:.1} / {:.1} ms ({} posts) |",
        percentile(before.clone(), 0.5),
        percentile(before.clone(), 0.99),
        before.len()
    );
    println!(
        "| POST median / p99 / max while deleting | {:.1} / {:.1} / {:.1} ms ({} posts) |",
        percentile(during.clone(), 0.5),
        percentile(during.clone(), 0.99),
        percentile(during.clone(), 1.0),
        during.len()
    );
    println!();
}
