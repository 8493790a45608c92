//! KV operations and time per fresh poll, POST, PATCH, warm bulk load and stats, at 1 000,
//! 10 000 and 100 000 stored comments, on the metering in-memory KV. Prints a Markdown table
//! for docs/benchmarks.md. Run: `make bench`.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{call, seeded, NOW};
use saywhatwant_api::memory_kv::{MemoryKv, OpCounts};

const RUNS: usize = 200;

/// Runs one request; returns its KV operations (deferred work excluded), time and status.
fn run(
    kv: &MemoryKv,
    method: &str,
    path: &str,
    query: &[(&str, String)],
    body: &str,
    now: u64,
    id: String,
) -> (OpCounts, Duration, u16) {
    kv.reset_ops();
    let answer = call(kv, method, path, query, body, now, id);
    let (ops, elapsed) = (kv.ops(), answer.elapsed);
    let (status, body) = answer.finish(kv);
    black_box(body);
    (ops, elapsed, status)
}

/// (name, method, path, query, body)
type Case<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, String)>, &'a str);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn fmt_ops(o: OpCounts) -> String {
    format!(
        "{} ({} list, {} get, {} put)",
        o.total(),
        o.lists,
        o.gets,
        o.puts
    )
}

fn main() {
    println!("| stored | request | KV ops | median time |");
    println!("|---:|---|---|---:|");
    for n in [1_000u64, 10_000, 100_000] {
        let kv = seeded(n);
        // A reader polling after 5 s with 10 new comments; the bot's newest-100 poll.
        let cursor = format!("{}", NOW - 60_000);
        for i in 0..10 {
            run(
                &kv,
                "POST",
                "/api/comments",
                &[],
                &format!(r#"{{"text":"new {i}"}}"#),
                NOW - 30_000 + i,
                format!("new{i}"),
            );
        }
        let cases: Vec<Case> = vec![
            (
                "fresh poll, 10 new",
                "GET",
                "/api/comments",
                vec![
                    ("after", cursor.clone()),
                    ("limit", "200".into()),
                    ("fresh", "true".into()),
                ],
                "",
            ),
            (
                "bot poll (newest 100)",
                "GET",
                "/api/comments",
                vec![
                    ("limit", "100".into()),
                    ("domain", "all".into()),
                    ("sort", "timestamp".into()),
                    ("order", "desc".into()),
                    ("fresh", "true".into()),
                ],
                "",
            ),
            (
                "bulk load (warm view)",
                "GET",
                "/api/comments",
                vec![("limit", "200".into())],
                "",
            ),
            ("stats (warm view)", "GET", "/api/stats", vec![], ""),
            (
                "PATCH oldest comment",
                "PATCH",
                "/api/comments/c0",
                vec![],
                r#"{"botParams":{"processed":true}}"#,
            ),
        ];
        // Warm the view once (the one-time walk that counts the history).
        let (cold, cold_time, _) = run(
            &kv,
            "GET",
            "/api/comments",
            &[("limit", "200".into())],
            "",
            NOW,
            String::new(),
        );
        println!(
            "| {n} | first bulk load (builds the view) | {} | {:.2?} |",
            fmt_ops(cold),
            cold_time
        );
        for (name, method, path, query, body) in &cases {
            let mut times = Vec::with_capacity(RUNS);
            let mut ops = OpCounts::default();
            for _ in 0..RUNS {
                let (o, t, status) = run(&kv, method, path, query, body, NOW, String::new());
                assert!(status < 300, "{name}: {status}");
                ops = o;
                times.push(t);
            }
            println!(
                "| {n} | {name} | {} | {:.2?} |",
                fmt_ops(ops),
                median(times)
            );
        }
        let mut times = Vec::with_capacity(RUNS);
        let mut ops = OpCounts::default();
        for i in 0..RUNS {
            let (o, t, status) = run(
                &kv,
                "POST",
                "/api/comments",
                &[],
                r#"{"text":"benchmark post","username":"bench"}"#,
                NOW + i as u64,
                format!("bench{i}"),
            );
            assert_eq!(status, 201);
            ops = o;
            times.push(t);
        }
        println!("| {n} | POST | {} | {:.2?} |", fmt_ops(ops), median(times));
    }
}
