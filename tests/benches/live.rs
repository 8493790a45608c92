//! The log object under `wrangler dev`, measured (`make bench`; prints Markdown for
//! docs/benchmarks.md). Sections, all by default, or name them:
//! - `sockets`: 1 000 live sockets on the one object, a comment a second for a minute
//!   (`SWW_SOCKETS`, `SWW_LOAD_SECONDS`): every socket gets every comment once, in order; the
//!   time from the POST to the last socket; the object's memory.
//! - `rps`: requests a second one object serves, for polls and for posts.
//! - `rows`: storage rows and time per request kind at 1 000, 10 000 and 100 000 stored
//!   comments, as the real SQLite reports them (`X-Log-Rows`).
//! - `bot`: comment → the echo bot's answer, on the live channel and polling only.
//! - `memory`: the object's Wasm memory with its tail full of maximal comments (48 KiB of
//!   context each) and heavy reads on top (`limit=1000` fresh reads, a socket 2 000 behind).
//! - `firstload`: a `limit=1` first load from the KV view against the same read fresh.
//! - `retention`: rows per comment retention deletes, and posts' latency meanwhile.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use saywhatwant_bot::{live_url, ApiClient, Bot, Channel, Echo, Identity};
use saywhatwant_e2e::{base_url, bot_token, Api};
use serde_json::json;
use tokio::sync::Mutex;

#[path = "live/retention.rs"]
mod retention;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The resident memory of the workerd processes (the object runs in one of them), in MiB.
fn workerd_rss_mib() -> f64 {
    let mut kib = 0u64;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if comm.trim() != "workerd" {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        kib += status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    kib as f64 / 1024.0
}

async fn object_info(api: &Api) -> serde_json::Value {
    api.send_as_admin("GET", "/api/admin/object", None, "198.18.200.1")
        .await
        .body
}

/// What one socket saw: each comment's text and when it arrived.
#[derive(Default)]
struct Seen {
    texts: Vec<String>,
    at_ms: Vec<f64>,
    seqs: Vec<u64>,
}

async fn sockets(api: &Api) {
    let n = env_or("SWW_SOCKETS", 1_000) as usize;
    let seconds = env_or("SWW_LOAD_SECONDS", 60);
    let domain = "sockets.bench";
    let before_rss = workerd_rss_mib();
    let cursor = api.now_cursor().await;
    let url = live_url(&base_url(), Some(&cursor), Some(domain));
    let started = Instant::now();
    let channels: Vec<Channel> = stream::iter(0..n)
        .map(|_| {
            let url = url.clone();
            async move { Channel::connect(&url, None).await }
        })
        .buffer_unordered(50)
        .filter_map(|c| async move { c.ok() })
        .collect()
        .await;
    let connected = channels.len();
    let connect_time = started.elapsed();
    let info_connected = object_info(api).await;
    let seen: Vec<Arc<Mutex<Seen>>> = (0..connected).map(|_| Arc::default()).collect();
    let readers: Vec<_> = channels
        .into_iter()
        .zip(seen.iter().cloned())
        .map(|(mut ch, seen)| {
            tokio::spawn(async move {
                while let Ok(page) = ch.next().await {
                    let at = now_ms();
                    let seq = page
                        .cursor
                        .as_deref()
                        .and_then(|c| c.strip_prefix('s'))
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    let mut s = seen.lock().await;
                    for c in page.comments {
                        s.texts.push(c.text);
                        s.at_ms.push(at);
                        s.seqs.push(seq);
                    }
                }
            })
        })
        .collect();
    let mut sent = Vec::new();
    for i in 0..seconds {
        let text = format!("load {i}");
        let t = now_ms();
        api.post(json!({"text": text, "domain": domain}), "198.18.201.1")
            .await;
        sent.push((text, t));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let info_after = object_info(api).await;
    let after_rss = workerd_rss_mib();
    for r in &readers {
        r.abort();
    }
    let (mut last, mut median) = (Vec::new(), Vec::new());
    let mut complete = 0;
    for (i, (text, t)) in sent.iter().enumerate() {
        let mut arrivals = Vec::new();
        for s in &seen {
            let s = s.lock().await;
            if let Some(k) = s.texts.iter().position(|x| x == text) {
                arrivals.push(s.at_ms[k] - t);
            }
        }
        if arrivals.len() == connected {
            complete += 1;
        }
        median.push(percentile(arrivals.clone(), 0.5));
        last.push(arrivals.iter().cloned().fold(0.0, f64::max));
        let _ = i;
    }
    let mut exact = 0;
    for s in &seen {
        let s = s.lock().await;
        let want: Vec<&String> = sent.iter().map(|(t, _)| t).collect();
        let got: Vec<&String> = s.texts.iter().collect();
        if got == want && s.seqs.windows(2).all(|w| w[0] < w[1]) {
            exact += 1;
        }
    }
    println!("### {connected} sockets on one log object, a comment a second for {seconds} s\n");
    println!("| measurement | result |\n|---|---|");
    println!(
        "| sockets connected (asked {n}) | {connected}, in {:.1} s |",
        connect_time.as_secs_f64()
    );
    println!("| sockets that got every comment exactly once, in order | {exact} of {connected} |");
    println!(
        "| comments every socket received | {complete} of {} |",
        sent.len()
    );
    println!(
        "| POST sent → the median socket | p50 {:.0} ms, p99 {:.0} ms |",
        percentile(median.clone(), 0.5),
        percentile(median, 0.99)
    );
    println!(
        "| POST sent → the last socket | p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms |",
        percentile(last.clone(), 0.5),
        percentile(last.clone(), 0.99),
        last.iter().cloned().fold(0.0, f64::max)
    );
    println!("| the object (its own report) | connected: {info_connected}; after: {info_after} |");
    println!("| workerd resident memory | {before_rss:.0} MiB before → {after_rss:.0} MiB with the sockets |\n");
}

/// Requests a second over `secs` with `concurrency` in flight.
async fn rate<F, Fut>(secs: u64, concurrency: usize, f: F) -> (f64, f64)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let results: Vec<bool> = stream::iter(0..)
        .take_while(|_| async move { Instant::now() < deadline })
        .map(&f)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let ok = results.iter().filter(|r| **r).count();
    let elapsed = started.elapsed().as_secs_f64();
    (ok as f64 / elapsed, (results.len() - ok) as f64)
}

async fn rps(api: &Api) {
    println!("### What one object carries on this machine (2 cores, wrangler dev)\n");
    println!("| request | concurrency | per second | failed |\n|---|---:|---:|---:|");
    let cursor = api.now_cursor().await;
    for c in [8, 32] {
        let (per_s, failed) = rate(10, c, |i| {
            let path = format!("/api/comments?after={cursor}&limit=200&fresh=true");
            async move {
                api.send(
                    "GET",
                    &path,
                    None,
                    &format!("10.250.{}.{}", i / 250 % 250, i % 250),
                )
                .await
                .status
                    == 200
            }
        })
        .await;
        println!("| fresh poll (nothing new) | {c} | {per_s:.0} | {failed} |");
    }
    for c in [8, 32] {
        let (per_s, failed) = rate(10, c, |i| async move {
            api.send(
                "POST",
                "/api/comments",
                Some(json!({"text": format!("rate {i}"), "domain": "rps.bench"}).to_string()),
                &format!("10.251.{}.{}", i / 250 % 250, i % 250),
            )
            .await
            .status
                == 201
        })
        .await;
        println!("| POST | {c} | {per_s:.0} | {failed} |");
    }
    println!();
}

/// Posts until the log holds `n` comments.
async fn fill(api: &Api, n: u64) {
    let have = api.get("/api/stats").await.body["totalMessages"]
        .as_u64()
        .unwrap_or(0);
    stream::iter(have..n)
        .map(|i| async move {
            api.post(
                json!({"id": format!("fill-{i}"), "text": format!("history {i}"), "domain": "rows.bench"}),
                &format!("10.252.{}.{}", i / 250 % 250, i % 250),
            )
            .await
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
}

async fn rows_of(api: &Api, method: &str, path: &str, body: Option<String>) -> (String, f64) {
    let started = Instant::now();
    let a = api.send_as_bot(method, path, body, "198.18.202.1").await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(a.status < 300, "{method} {path}: {} {}", a.status, a.body);
    (a.header("x-log-rows").unwrap_or("(none)").to_owned(), ms)
}

async fn rows(api: &Api) {
    println!("### Storage rows and time per request, as the object's SQLite reports them\n");
    println!("| stored | request | rows (X-Log-Rows) | time |\n|---:|---|---|---:|");
    for n in [1_000u64, 10_000, 100_000] {
        fill(api, n).await;
        let head = api.now_cursor().await;
        let id = format!("rows-probe-{n}");
        let back = format!("s{}", n.saturating_sub(2_500));
        let probe =
            |id: &str| Some(json!({"id": id, "text": "probe", "domain": "rows.bench"}).to_string());
        let processed = || Some(r#"{"botParams":{"processed":true}}"#.to_string());
        // `{k}` becomes the run's number: a new id each time.
        let cases: Vec<(&str, &str, String, Option<String>)> = vec![
            (
                "fresh poll, nothing new",
                "GET",
                format!("/api/comments?after={head}&limit=200&fresh=true"),
                None,
            ),
            (
                "bot poll (newest 100)",
                "GET",
                "/api/comments?limit=100&domain=all&sort=timestamp&order=desc&fresh=true".into(),
                None,
            ),
            (
                "POST a new comment",
                "POST",
                "/api/comments".into(),
                probe(&format!("{id}-{{k}}")),
            ),
            (
                "POST a question for a bot",
                "POST",
                "/api/comments".into(),
                Some(
                    json!({"id": format!("{id}-q{{k}}"), "text": "a question", "domain": "rows.bench",
                           "botParams": {"entity": "helper", "processed": false}})
                    .to_string(),
                ),
            ),
            (
                "a bot's reply, closing the question in its commit",
                "POST",
                "/api/comments".into(),
                Some(
                    json!({"id": format!("re-{id}-{{k}}"), "text": "an answer", "domain": "rows.bench",
                           "message-type": "AI", "username": "Helper", "replyTo": format!("{id}-q{{k}}")})
                    .to_string(),
                ),
            ),
            (
                "POST the same id again",
                "POST",
                "/api/comments".into(),
                probe(&format!("{id}-0")),
            ),
            (
                "PATCH a comment in the tail",
                "PATCH",
                format!("/api/comments/{id}-0"),
                processed(),
            ),
            (
                "PATCH one older than the tail",
                "PATCH",
                format!("/api/comments/fill-{}", n / 4),
                processed(),
            ),
            (
                "read 200 from 2 500 back (older than the tail)",
                "GET",
                format!("/api/comments?after={back}&limit=200&fresh=true"),
                None,
            ),
            ("stats", "GET", "/api/stats".into(), None),
        ];
        for (what, method, path, body) in cases {
            let mut times = Vec::new();
            let mut reported = String::new();
            for k in 0..5 {
                let body = body.as_ref().map(|b| b.replace("{k}", &k.to_string()));
                let (r, ms) = rows_of(api, method, &path, body).await;
                reported = r;
                times.push(ms);
            }
            println!(
                "| {n} | {what} | {reported} | {:.1} ms |",
                percentile(times, 0.5)
            );
        }
    }
    println!();
}

async fn bot(api: &Api) {
    println!("### Comment → the echo bot's answer in the stream (10 comments each)\n");
    println!("| bot follows | p50 | max |\n|---|---:|---:|");
    for live in [true, false] {
        let domain = if live {
            "bot-live.bench"
        } else {
            "bot-poll.bench"
        };
        let client = ApiClient::new(&base_url(), Duration::from_secs(10))
            .expect("client")
            .with_token(Some(bot_token()));
        let me = Identity {
            name: "BenchBot".into(),
            color: "120200255".into(),
        };
        let mut bot = Bot::new(client, Echo, me).for_domain(Some(domain.into()));
        let running = tokio::spawn(async move { bot.run(Duration::from_secs(3), live).await });
        tokio::time::sleep(Duration::from_secs(2)).await;
        let url = live_url(&base_url(), Some(&api.now_cursor().await), Some(domain));
        let mut watch = Channel::connect(&url, None).await.expect("a socket");
        let mut times = Vec::new();
        for i in 0..10 {
            let sent = Instant::now();
            let asked = api
                .post(json!({"text": format!("ask {i}"), "domain": domain, "botParams": {"processed": false}}), "198.18.203.1")
                .await;
            let reply = format!("re-{}", asked.id);
            'wait: loop {
                let page = watch.next().await.expect("frames");
                if page.comments.iter().any(|c| c.id == reply) {
                    break 'wait;
                }
            }
            times.push(sent.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(700 + (i * 230) % 1_100)).await;
        }
        running.abort();
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!(
            "| {} | {:.0} ms | {max:.0} ms |",
            if live {
                "the live channel"
            } else {
                "polling every 3 s"
            },
            percentile(times, 0.5)
        );
    }
    println!();
}

#[tokio::main]
async fn main() {
    let run = saywhatwant_e2e::bench_sections();
    let api = Api::new();
    println!(
        "Measured against {} (wrangler dev, this machine)\n",
        base_url()
    );
    // Rows first: it fills the log to exact sizes from empty.
    if run("rows") {
        rows(&api).await;
    }
    if run("sockets") {
        sockets(&api).await;
    }
    if run("bot") {
        bot(&api).await;
    }
    if run("rps") {
        rps(&api).await;
    }
    if run("firstload") {
        first_load(&api).await;
    }
    if run("retention") {
        retention::retention(&api).await;
    }
    // Last: it leaves the log full of heavy comments.
    if run("memory") {
        memory(&api).await;
    }
}

async fn first_load(api: &Api) {
    // A full view: 500 comments, as heavy as a busy stream's.
    for i in 0..500 {
        api.post(
            json!({"text": format!("first load {i} {}", "y".repeat(900)), "username": "bench"}),
            "198.18.201.2",
        )
        .await;
    }
    // The object writes the view within REFRESH_MS (10 s) of the last change.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let cached = api
        .send("GET", "/api/comments?limit=1", None, "198.18.201.1")
        .await;
    let source = cached.body["source"].as_str().unwrap_or("?").to_owned();
    let reads = [
        ("`limit=1`", "/api/comments?limit=1"),
        ("`limit=1&fresh=true`", "/api/comments?limit=1&fresh=true"),
        (
            "`limit=200` (the page's bulk load)",
            "/api/comments?limit=200",
        ),
        (
            "`limit=200&fresh=true`",
            "/api/comments?limit=200&fresh=true",
        ),
    ];
    // Interleaved, so the machine's drift weighs on every read alike.
    let rounds = 100;
    let mut times = vec![Vec::with_capacity(rounds); reads.len()];
    for _ in 0..rounds {
        for (i, (_, path)) in reads.iter().enumerate() {
            let t = Instant::now();
            let a = api.send("GET", path, None, "198.18.201.1").await;
            assert_eq!(a.status, 200, "{path}: {}", a.body);
            times[i].push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    println!(
        "### A first load of one comment: the KV view against the log ({rounds} rounds, interleaved)
"
    );
    println!(
        "| read | source | median | p90 |
|---|---|---:|---:|"
    );
    for ((what, path), t) in reads.iter().zip(times) {
        let src = if path.contains("fresh") {
            "fresh"
        } else {
            source.as_str()
        };
        println!(
            "| {what} | {src} | {:.1} ms | {:.1} ms |",
            percentile(t.clone(), 0.5),
            percentile(t, 0.9)
        );
    }
    println!();
}

async fn memory(api: &Api) {
    let info = object_info(api).await;
    let before = info["wasmMemoryBytes"].as_u64().unwrap_or(0);
    // Maximal conversation posts: 48 KiB of context (45 lines of 1 000) and a 1 000-char text.
    let context: Vec<String> = (0..45)
        .map(|i| format!("{i}: {}", "z".repeat(990)))
        .collect();
    let n = env_or("SWW_HEAVY_COMMENTS", 2_000);
    let started = Instant::now();
    stream::iter(0..n)
        .for_each_concurrent(8, |i| {
            let body = json!({"text": format!("heavy {i} {}", "h".repeat(980)), "username": "heavy",
                              "context": context});
            async move {
                api.post(body, "198.18.202.1").await;
            }
        })
        .await;
    let filled = object_info(api).await;
    // Heavy reads on top: fresh `limit=1000` reads from the start and from the newest.
    let mut read_bytes = 0usize;
    for path in [
        "/api/comments?after=s0&limit=1000&fresh=true",
        "/api/comments?limit=1000&fresh=true",
        "/api/comments?after=s0&limit=1000&fresh=true",
    ] {
        let a = api.send("GET", path, None, "198.18.202.2").await;
        assert_eq!(a.status, 200);
        read_bytes = read_bytes.max(a.body.to_string().len());
    }
    // A socket 2 000 behind: its backlog is over the byte cap, so it is told to poll (4410).
    let behind = live_url(&base_url(), Some("s0"), None);
    let closed = match Channel::connect(&behind, None).await {
        Ok(mut c) => match tokio::time::timeout(Duration::from_secs(10), c.next()).await {
            Ok(Err(e)) => format!("{e}"),
            Ok(Ok(page)) => format!("a frame of {}", page.comments.len()),
            Err(_) => "silent".into(),
        },
        Err(e) => format!("{e}"),
    };
    let after = object_info(api).await;
    let mib = |v: &serde_json::Value| v["wasmMemoryBytes"].as_f64().unwrap_or(0.0) / 1_048_576.0;
    println!(
        "### The object's memory with {n} maximal comments and heavy reads
"
    );
    println!(
        "| measurement | result |
|---|---|"
    );
    println!(
        "| posting {n} comments of ~48 KiB | {:.0} s |",
        started.elapsed().as_secs_f64()
    );
    println!(
        "| Wasm memory before | {:.1} MiB |",
        before as f64 / 1_048_576.0
    );
    println!(
        "| with the tail full ({} comments held, {:.1} MiB) | {:.1} MiB |",
        filled["tail"],
        filled["tailBytes"].as_f64().unwrap_or(0.0) / 1_048_576.0,
        mib(&filled)
    );
    println!("| after three `limit=1000` fresh reads (largest answer {:.1} MiB) and a socket 2 000 behind ({closed}) | {:.1} MiB |",
        read_bytes as f64 / 1_048_576.0, mib(&after));
    println!();
}
