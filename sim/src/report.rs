//! Markdown for docs/benchmarks.md.

use crate::lagged_kv::Lag;
use crate::outcome::{Outcome, Work};
use crate::scenario::Scenario;

pub const HEADER: &str = "| locations × readers | posts/min | slow uploads | KV lag | design | posted | deliveries | missed | comments missed by someone | duplicated | out of order | latency p50 / max | storage work |\n|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|";

pub fn lag_label(lag: &Lag) -> String {
    if lag.max() == 0 {
        return "none".into();
    }
    let s = |ms: u64| format!("{}", ms as f64 / 1000.0);
    let remote = if lag.remote_late_chance >= 1.0 {
        format!("0–{} s", s(lag.remote_late_max))
    } else {
        format!(
            "{:.0} % ≤ {} s, {:.0} % ≤ {} s",
            100.0 * (1.0 - lag.remote_late_chance),
            s(lag.remote_fast_max),
            100.0 * lag.remote_late_chance,
            s(lag.remote_late_max)
        )
    };
    if lag.local_late_chance > 0.0 {
        format!(
            "{remote} (writer's location: {:.0} % ≤ {} s)",
            100.0 * lag.local_late_chance,
            s(lag.local_late_max)
        )
    } else {
        remote
    }
}

fn ms(v: Option<u64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} s", v as f64 / 1000.0))
}

pub fn work_label(work: &Work) -> String {
    match work {
        Work::Kv {
            lists,
            gets,
            puts,
            edge_hits,
            max_ops_per_request,
        } => format!(
            "KV: {lists} lists, {gets} gets, {puts} puts; {edge_hits} edge-cache hits; ≤ {max_ops_per_request} ops/request"
        ),
        Work::Log {
            rows_read,
            rows_written,
            requests,
        } => format!("log: {rows_read} rows read, {rows_written} written; {requests} object requests"),
    }
}

/// One table row for one design's outcome of `s`.
pub fn row(s: &Scenario, design: &str, o: &Outcome) -> String {
    let missed = if o.missed == 0 {
        "0".to_string()
    } else {
        format!(
            "**{} ({:.1} %)**{}",
            o.missed,
            o.missed_percent(),
            if o.missed_slow > 0 {
                format!(", {} of slow uploads", o.missed_slow)
            } else {
                String::new()
            }
        )
    };
    format!(
        "| {} × {} | {} | {:.0} % | {} | {design} | {} | {} | {missed} | {} | {} | {} | {} / {} | {} |",
        s.locations,
        s.readers_per_location,
        s.posts_per_minute,
        100.0 * s.slow_upload_share,
        lag_label(&s.lag),
        o.posted,
        o.expected,
        o.comments_missed,
        o.duplicated,
        o.out_of_order,
        ms(o.latency_p50_ms),
        ms(o.latency_max_ms),
        work_label(&o.work),
    )
}
