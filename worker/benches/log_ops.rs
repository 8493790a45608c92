//! The API over the log, natively: storage rows and time per request kind at 1 000, 10 000
//! and 100 000 stored comments (the in-memory store counts rows as the object's SQLite does;
//! docs/benchmarks.md puts these beside the real object's own counts). `make bench` runs it.

use std::cell::Cell;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use saywhatwant_api::api::{self, Body, Config, Ctx, LocalLog, Outcome};
use saywhatwant_api::log::{Log, LogStore, MemoryStore, Usage};
use saywhatwant_api::memory_kv::MemoryKv;
use saywhatwant_api::rate_limit::Unlimited;
use saywhatwant_api::recent::{self, RecentView};

const T0: u64 = 1_761_239_864_515;

struct Bench {
    log: LocalLog<MemoryStore>,
    kv: MemoryKv,
    config: Config,
    n: Cell<u64>,
}

impl Bench {
    fn with_history(n: u64) -> Bench {
        let mut log = Log::open(MemoryStore::new()).expect("open");
        for i in 0..n {
            let new = saywhatwant_wire::parse_new_comment(
                format!(r#"{{"id":"h{i}","text":"comment number {i}","username":"bench"}}"#)
                    .as_bytes(),
            )
            .expect("valid");
            log.append(new, String::new, "bench.example", T0 + i)
                .expect("append");
        }
        let b = Bench {
            log: LocalLog::new(log, T0 + n),
            kv: MemoryKv::new(),
            config: Config {
                bot_token: Some("t".into()),
                admin_token: None,
                rate_limit: false,
                ..Config::default()
            },
            n: Cell::new(0),
        };
        // A running object: the tail in memory, the view in KV.
        b.call("GET", "/api/comments?limit=0&fresh=true", "");
        let view = RecentView::build(&mut b.log.log.borrow_mut(), T0).expect("view");
        block_on(recent::store(&b.kv, &view)).expect("store");
        b
    }

    fn call(&self, method: &str, path_and_query: &str, body: &str) -> u16 {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let req = api::Request {
            method,
            path,
            query: query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            origin: None,
            client_ip: Some("203.0.113.1"),
            content_type: Some("application/json"),
            authorization: Some("Bearer t"),
            operator: None,
            websocket: false,
            body: Body::Read(body.as_bytes()),
        };
        let ctx = Ctx {
            log: &self.log,
            kv: &self.kv,
            limiter: &Unlimited,
            config: &self.config,
        };
        match block_on(api::handle(&ctx, &req)) {
            Outcome::Respond(r) => r.status,
            _ => 0,
        }
    }

    /// Median time, and the rows and object requests of one run of `f` (after `prep`).
    fn measure(&self, runs: u32, kind: &Kind) -> (Duration, Usage, u64) {
        let mut times = Vec::new();
        let (mut usage, mut requests) = (Usage::default(), 0);
        for _ in 0..runs {
            let i = self.n.get();
            self.n.set(i + 1);
            (kind.prep)(self, i);
            let f = kind.run;
            let before = (
                self.log.log.borrow().store().usage(),
                self.log.requests.get(),
            );
            let t = Instant::now();
            let status = f(self, i);
            times.push(t.elapsed());
            assert!(status < 300, "status {status}");
            let after = (
                self.log.log.borrow().store().usage(),
                self.log.requests.get(),
            );
            usage = after.0 - before.0;
            requests = after.1 - before.1;
        }
        times.sort();
        (times[times.len() / 2], usage, requests)
    }
}

struct Kind {
    what: &'static str,
    /// Untimed, uncounted: what the request needs in place.
    prep: fn(&Bench, u64),
    run: fn(&Bench, u64) -> u16,
}

fn nothing(_: &Bench, _: u64) {}

fn post_one(b: &Bench, i: u64) {
    b.call(
        "POST",
        "/api/comments",
        &format!(r#"{{"id":"q{i}","text":"new {i}"}}"#),
    );
}

fn main() {
    println!("| stored | request | object requests | rows read / written | median time |");
    println!("|---:|---|---:|---|---:|");
    let kinds = [
        Kind {
            what: "fresh poll, one new comment",
            prep: post_one,
            run: |b, _| {
                let head = b.log.log.borrow().head();
                b.call(
                    "GET",
                    &format!("/api/comments?after=s{}&limit=200&fresh=true", head - 1),
                    "",
                )
            },
        },
        Kind {
            what: "bot poll (newest 100, newest first)",
            prep: nothing,
            run: |b, _| {
                b.call(
                    "GET",
                    "/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true",
                    "",
                )
            },
        },
        Kind {
            what: "bulk load (200) from the KV view",
            prep: nothing,
            run: |b, _| b.call("GET", "/api/comments?limit=200", ""),
        },
        Kind {
            what: "POST",
            prep: nothing,
            run: |b, i| {
                b.call(
                    "POST",
                    "/api/comments",
                    &format!(r#"{{"id":"p{i}","text":"post {i}"}}"#),
                )
            },
        },
        Kind {
            what: "PATCH (a comment in the tail)",
            prep: post_one,
            run: |b, i| {
                b.call(
                    "PATCH",
                    &format!("/api/comments/q{i}"),
                    r#"{"botParams":{"processed":true}}"#,
                )
            },
        },
        Kind {
            what: "read 200 older than the tail",
            prep: nothing,
            run: |b, _| {
                let head = b.log.log.borrow().head();
                b.call(
                    "GET",
                    &format!(
                        "/api/comments?after=s{}&limit=200&fresh=true",
                        head.saturating_sub(2_600)
                    ),
                    "",
                )
            },
        },
        Kind {
            what: "stats",
            prep: nothing,
            run: |b, _| b.call("GET", "/api/stats", ""),
        },
    ];
    for n in [1_000u64, 10_000, 100_000] {
        let bench = Bench::with_history(n);
        for kind in &kinds {
            let (t, rows, requests) = bench.measure(200, kind);
            let what = kind.what;
            println!(
                "| {n} | {what} | {requests} | {} / {} | {:.1} µs |",
                rows.rows_read,
                rows.rows_written,
                t.as_secs_f64() * 1e6
            );
        }
    }
}
