//! This project's worker against the original write-up's design, on the same metering
//! in-memory KV and the same workloads. Prints Markdown for docs/benchmarks.md.
//! Run: `make bench`.

// Shared with kv_ops, which uses more of it.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
mod original;

use std::time::{Duration, Instant};

use common::{call, comment, NOW};
use futures::executor::block_on;
use saywhatwant_api::edge::{EdgeCachedKv, MemoryEdgeCache};
use saywhatwant_api::kv::Kv;
use saywhatwant_api::memory_kv::{MemoryKv, OpCounts};
use saywhatwant_wire::{Comment, CommentsPage};

const MINUTES_PER_MONTH: f64 = 43_200.0;
/// Price list (paid plan, beyond included amounts), dollars per million.
const READ: f64 = 0.50;
const WRITE_OR_LIST: f64 = 5.00;
const REQUEST: f64 = 0.30;
/// Cloudflare locations the readers are assumed to be spread over.
const LOCATIONS: f64 = 10.0;

/// Both designs' stores holding `n` comments, one per millisecond up to a minute ago.
fn seed(n: u64) -> (MemoryKv, MemoryKv) {
    let theirs = MemoryKv::new();
    for i in 0..n {
        let c = comment(NOW - 60_000 - n + i, format!("c{i}"));
        theirs.seed(
            original::key(&c),
            serde_json::to_string(&c).expect("json"),
            None,
        );
    }
    (common::seeded(n), theirs)
}

fn get<K: Kv>(kv: &K, query: &[(&str, String)], now: u64) -> CommentsPage {
    let (status, body) = call(kv, "GET", "/api/comments", query, "", now, String::new()).finish(kv);
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("a page")
}

fn post_ours(kv: &MemoryKv, c: &Comment, now: u64) {
    let body = serde_json::json!({"id": c.id, "text": c.text}).to_string();
    let (status, answer) =
        call(kv, "POST", "/api/comments", &[], &body, now, String::new()).finish(kv);
    assert_eq!(status, 201, "{answer}");
}

fn timed<T>(f: impl Fn() -> T) -> (T, Duration) {
    let mut times = Vec::new();
    let mut out = None;
    for _ in 0..50 {
        let t = Instant::now();
        out = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (out.expect("ran"), times[times.len() / 2])
}

fn ops(o: OpCounts) -> String {
    format!("{} list + {} get", o.lists, o.gets)
}

fn fresh_polls() {
    println!("### Fresh poll: one new comment since the cursor\n");
    println!("| stored | design | KV ops | finds the new comment | median time |");
    println!("|---:|---|---|---|---:|");
    for n in [1_000u64, 10_000, 100_000] {
        let (ours, theirs) = seed(n);
        let new = comment(NOW - 10_000, "newest".into());
        post_ours(&ours, &new, new.timestamp);
        block_on(theirs.put(
            &original::key(&new),
            &serde_json::to_string(&new).expect("json"),
            None,
        ))
        .expect("put");
        let after = (new.timestamp - 1).to_string();
        let q = [
            ("after", after),
            ("limit", "200".into()),
            ("fresh", "true".into()),
        ];
        ours.reset_ops();
        let (page, t) = timed(|| get(&ours, &q, NOW));
        let o = OpCounts {
            gets: ours.ops().gets / 50,
            puts: 0,
            lists: ours.ops().lists / 50,
        };
        let found = page.comments.iter().any(|c| c.id == "newest");
        println!(
            "| {n} | this project | {} | {} | {t:.2?} |",
            ops(o),
            yes(found)
        );
        theirs.reset_ops();
        let (got, t) =
            timed(|| block_on(original::fresh_poll(&theirs, new.timestamp - 1)).expect("poll"));
        let o = OpCounts {
            gets: theirs.ops().gets / 50,
            puts: 0,
            lists: theirs.ops().lists / 50,
        };
        println!(
            "| {n} | original write-up | {} | {} | {t:.2?} |",
            ops(o),
            yes(got.iter().any(|c| c.id == "newest"))
        );
    }
    println!();
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "**no**"
    }
}

/// 50 POSTs arriving 2 ms apart, each taking 30 ms between its KV read and its write (KV
/// round trips), as concurrent requests on different isolates would.
fn racing_posts() {
    println!("### 50 concurrent POSTs\n");
    println!("| design | missing from the cache afterwards | writes to `recent:comments` | in the busiest second |");
    println!("|---|---:|---:|---:|");
    let posts: Vec<Comment> = (0..50)
        .map(|i| comment(NOW + i * 2, format!("race{i}")))
        .collect();
    // The original: read-modify-write, events in time order.
    let (_, theirs) = seed(100);
    let mut events: Vec<(u64, bool, usize)> = Vec::new();
    for (i, c) in posts.iter().enumerate() {
        events.push((c.timestamp, false, i));
        events.push((c.timestamp + 30, true, i));
    }
    events.sort();
    let mut read: Vec<Option<Vec<Comment>>> = vec![None; posts.len()];
    for (_, is_write, i) in events {
        if is_write {
            let cache = read[i].take().expect("read before write");
            block_on(original::post_write(&theirs, cache, &posts[i])).expect("write");
        } else {
            read[i] = Some(block_on(original::post_read(&theirs, &posts[i])).expect("read"));
        }
    }
    let cache = block_on(original::cached_read(&theirs)).expect("cache");
    let missing = posts
        .iter()
        .filter(|p| !cache.iter().any(|c| c.id == p.id))
        .count();
    println!("| original write-up | {missing} of 50 | 50 | 50 (KV allows 1) |");
    // This project: POST never touches the view; a read rebuilds it.
    let (ours, _) = seed(100);
    get(&ours, &[("limit", "10".into())], NOW - 1);
    for c in &posts {
        post_ours(&ours, c, c.timestamp);
    }
    ours.reset_ops();
    let view = get(&ours, &[("limit", "500".into())], NOW + 31_000);
    let missing = posts
        .iter()
        .filter(|p| !view.comments.iter().any(|c| c.id == p.id))
        .count();
    println!(
        "| this project | {missing} of 50 | {} | {} |\n",
        ours.ops().puts,
        ours.ops().puts
    );
}

/// KV list calls per minute at one location, readers polling every 5 s at spread phases while
/// 1000 comments a minute arrive. Simulates 10 s and scales to a minute.
fn readers() {
    println!("### KV operations against readers at one location (1000 msg/min, polls every 5 s)\n");
    println!("| readers | this project: KV lists/min | original: KV ops/min |");
    println!("|---:|---:|---:|");
    // The original's cost per poll, measured where its list still works (under 1000 stored):
    // 83 new comments per 5 s poll at 1000 a minute.
    let (_, small) = seed(900);
    small.reset_ops();
    let found = block_on(original::fresh_poll(&small, NOW - 60_000 - 84)).expect("poll");
    let per_poll = small.ops();
    assert_eq!(found.len(), 83);
    for r in [1u64, 100, 10_000] {
        let (ours, _) = seed(10_000);
        let edge = MemoryEdgeCache::default();
        let window = 10_000u64;
        let mut cursors: Vec<String> = vec![(NOW - 1).to_string(); r as usize];
        let mut polls: Vec<(u64, usize)> = (0..r)
            .flat_map(|i| {
                let phase = i * 5_000 / r;
                (0..window / 5_000).map(move |k| (NOW + phase + k * 5_000, i as usize))
            })
            .collect();
        polls.sort();
        let mut next_post = NOW;
        let mut n = 0;
        ours.reset_ops();
        for (t, reader) in polls {
            while next_post <= t {
                common::seed(&ours, &comment(next_post, format!("live{n}")));
                n += 1;
                next_post += 60;
            }
            let shared = EdgeCachedKv {
                kv: &ours,
                cache: &edge,
                now: t,
            };
            let q = [
                ("after", cursors[reader].clone()),
                ("limit", "200".into()),
                ("fresh", "true".into()),
            ];
            cursors[reader] = get(&shared, &q, t).cursor.expect("cursor");
        }
        let ours_per_min = ours.ops().lists * 60_000 / window;
        let theirs_per_min = r * 12 * per_poll.total();
        println!(
            "| {r} | {ours_per_min} | {theirs_per_min} ({} per poll) |",
            ops(per_poll)
        );
    }
    println!();
}

struct Monthly {
    reads: f64,
    writes_lists: f64,
    requests: f64,
}

impl Monthly {
    fn dollars(&self) -> (f64, f64) {
        let kv = self.reads / 1e6 * READ + self.writes_lists / 1e6 * WRITE_OR_LIST;
        (kv, self.requests / 1e6 * REQUEST)
    }
}

/// Monthly cost from per-operation counts measured on the two implementations.
fn cost() {
    println!(
        "### Cost per month (30 days; polls every 5 s, bot every 3 s; {LOCATIONS} locations)\n"
    );
    println!(
        "| scale | design | KV reads | KV writes + lists | KV $ | Worker requests $ | total $ |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (label, readers, per_min) in [
        ("1 000 readers, 10 msg/min", 1_000.0, 10.0),
        ("10 000 readers, 1 000 msg/min", 10_000.0, 1_000.0),
    ] {
        let polls: f64 = readers * 12.0;
        let requests = (polls + 20.0 + per_min) * MINUTES_PER_MONTH;
        // This project: lists bounded by the edge cache (2 a second per location), the bot's
        // fresh poll a list, POST 1 get + 2 puts, the view refreshed every 10 s per location.
        let lists = (polls.min(LOCATIONS * 120.0) + 20.0 + LOCATIONS * 6.0) * MINUTES_PER_MONTH;
        let ours = Monthly {
            reads: (per_min + LOCATIONS * 6.0) * MINUTES_PER_MONTH,
            writes_lists: lists + (per_min * 2.0 + LOCATIONS * 6.0) * MINUTES_PER_MONTH,
            requests,
        };
        // The original (as if its list still found new comments): a list plus a get per new
        // comment per poll; the bot reads the cache; POST writes the key and rewrites the cache.
        let new_per_poll = per_min / 12.0;
        let theirs = Monthly {
            reads: (polls * new_per_poll + 20.0 + per_min) * MINUTES_PER_MONTH,
            writes_lists: (polls + per_min * 2.0) * MINUTES_PER_MONTH,
            requests,
        };
        for (design, m) in [("this project", ours), ("original write-up", theirs)] {
            let (kv, req) = m.dollars();
            println!(
                "| {label} | {design} | {:.1} M | {:.1} M | {kv:.0} | {req:.0} | {:.0} |",
                m.reads / 1e6,
                m.writes_lists / 1e6,
                kv + req
            );
        }
    }
    println!();
}

fn main() {
    fresh_polls();
    racing_posts();
    readers();
    cost();
}
