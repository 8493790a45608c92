//! KV operations and time per fresh poll, POST, PATCH, warm bulk load and stats, at 1 000,
//! 10 000 and 100 000 stored comments, on the metering in-memory KV. Prints a Markdown table
//! for docs/benchmarks.md. Run: `make bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use saywhatwant_api::api::{self, Config, Ctx, Deferred, Request};
use saywhatwant_api::keys::comment_key;
use saywhatwant_api::memory_kv::{MemoryKv, OpCounts};
use saywhatwant_api::rate_limit::Unlimited;
use saywhatwant_api::{recent, records};
use saywhatwant_wire::{Comment, MessageType};

const NOW: u64 = 1_800_000_000_000;
const RUNS: usize = 200;

fn seeded(n: u64) -> MemoryKv {
    let kv = MemoryKv::new();
    for i in 0..n {
        let ts = NOW - 60_000 - n + i;
        let c = Comment {
            id: format!("c{i}"),
            text: format!("a typical comment of a few words, number {i}"),
            timestamp: ts,
            username: Some("someone".into()),
            color: Some("200120080".into()),
            domain: "saywhatwant.app".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: None,
            bot_params: None,
        };
        let (value, metadata) = records::encode(&c).expect("encodable");
        kv.seed(comment_key(ts, &c.id), value, metadata);
        kv.seed(format!("id:{}", c.id), comment_key(ts, &c.id), None);
    }
    kv
}

/// Runs one request; returns its KV operations (deferred work excluded) and its time.
fn run(
    kv: &MemoryKv,
    method: &str,
    path: &str,
    query: &[(&str, String)],
    body: &str,
    now: u64,
    id: String,
) -> (OpCounts, Duration, u16) {
    let config = Config {
        allowed_origin: "*".into(),
        rate_limit: false,
    };
    let ctx = Ctx {
        kv,
        limiter: &Unlimited,
        config: &config,
        now,
    };
    let req = Request {
        method,
        path,
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        origin: None,
        client_ip: Some("192.0.2.1"),
        content_length: Some(body.len()),
        body: body.as_bytes(),
    };
    kv.reset_ops();
    let started = Instant::now();
    let outcome = block_on(api::handle(&ctx, &req, move || id));
    let elapsed = started.elapsed();
    let ops = kv.ops();
    if let Some(Deferred::StoreRecent(view)) = &outcome.deferred {
        block_on(recent::store(kv, view)).expect("store view");
    }
    black_box(&outcome.response.body);
    (ops, elapsed, outcome.response.status)
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
