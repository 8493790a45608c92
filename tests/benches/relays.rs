//! Relays under load (`make bench`; prints Markdown for docs/benchmarks.md): `SWW_SOCKETS`
//! sockets (3 000) from as many networks, so they spread over the relays, and comments at
//! `SWW_RATE` a second (17) for `SWW_LOAD_SECONDS` (60). Post → socket latency, frames per
//! socket, comments lost and doubled; then the same with every socket dropped at once halfway
//! (the operator's close), each reader coming back from its cursor after a random part of
//! 5 s, as pages spread their reconnects (`RESTART_SPREAD_MS`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{SinkExt, StreamExt};
use saywhatwant_e2e::{runtime_url, Api};
use serde_json::json;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

#[derive(Default)]
struct Reader {
    /// Comment text → when it arrived (ms), the first time.
    first: HashMap<String, f64>,
    doubled: u64,
    frames: u64,
    reconnects: u64,
    /// Why sockets ended: a close code, or how the connect failed.
    ends: HashMap<String, u64>,
}

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", 1 + i / 65_000, (i / 250) % 250, 1 + i % 250)
}

/// A reader as the page is one: follows from its cursor, and after a close comes back from
/// it, after a random wait of up to 5 s when the operator closed it, else with back-off.
async fn read(i: usize, mut cursor: String, r: Arc<Mutex<Reader>>, stop: Arc<Mutex<bool>>) {
    let ws_base = runtime_url().replacen("http://", "ws://", 1);
    let mut failures = 0u32;
    while !*stop.lock().expect("lock") {
        let url = format!("{ws_base}/api/comments/live?after={cursor}&domain=relays.bench");
        let Ok(mut req) = url.into_client_request() else {
            return;
        };
        if let Ok(v) = ip(i).parse() {
            req.headers_mut().insert("CF-Connecting-IP", v);
        }
        let mut ended = String::from("connection lost");
        match tokio_tungstenite::connect_async(req).await {
            Err(e) => ended = format!("connect: {e}"),
            Ok((mut ws, _)) => {
                // The page's keep-alive, every 30 s.
                let mut ping = tokio::time::interval(Duration::from_secs(30));
                ping.tick().await;
                loop {
                    let msg = tokio::select! {
                        m = ws.next() => m,
                        _ = ping.tick() => {
                            let _ = ws.send(Message::Text("ping".into())).await;
                            continue;
                        }
                    };
                    let Some(Ok(msg)) = msg else {
                        break;
                    };
                    let Message::Text(t) = msg else {
                        if let Message::Close(frame) = msg {
                            ended = frame.map_or("close without a code".into(), |f| {
                                format!("close {}", u16::from(f.code))
                            });
                            break;
                        }
                        continue;
                    };
                    let Ok(page) = serde_json::from_str::<saywhatwant_wire::CommentsPage>(&t)
                    else {
                        continue;
                    };
                    let at = now_ms();
                    let mut r = r.lock().expect("lock");
                    r.frames += 1;
                    for c in page.comments {
                        if r.first.insert(c.text, at).is_some() {
                            r.doubled += 1;
                        }
                    }
                    if let Some(c) = page.cursor {
                        cursor = c;
                    }
                }
            }
        }
        if *stop.lock().expect("lock") {
            return;
        }
        // As the page does (`model/push.rs`): after the operator's close (1012) a random part
        // of 5 s; after a refusal or a failed connect, back-off from 2 s, reset by a frame.
        let jitter = (i as u64 * 7_919 % 1_000) as f64 / 1_000.0;
        let wait = if ended == "close 1012" {
            (jitter * saywhatwant_wire::live::RESTART_SPREAD_MS as f64) as u64
        } else {
            failures += 1;
            saywhatwant_wire::backoff_ms(2_000, 60_000, failures, jitter)
        };
        {
            let mut reader = r.lock().expect("lock");
            reader.reconnects += 1;
            *reader.ends.entry(ended).or_default() += 1;
        }
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

async fn run(api: &Api, label: &str, drop_halfway: bool) {
    let n = env_or("SWW_SOCKETS", 3_000) as usize;
    let rate = env_or("SWW_RATE", 17);
    let seconds = env_or("SWW_LOAD_SECONDS", 60);
    let cursor = api.now_cursor().await;
    let stop = Arc::new(Mutex::new(false));
    let readers: Vec<Arc<Mutex<Reader>>> = (0..n).map(|_| Arc::default()).collect();
    let mut tasks = Vec::new();
    for (i, r) in readers.iter().enumerate() {
        tasks.push(tokio::spawn(read(
            i,
            cursor.clone(),
            r.clone(),
            stop.clone(),
        )));
        if i % 100 == 99 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // Until every socket is on a relay.
    let mut relays = Vec::new();
    let seating = tokio::time::Instant::now();
    for _ in 0..600 {
        // The object's figures ask every relay, which may be busy seating its sockets: a
        // request that times out is asked again.
        let info = match api
            .try_send_as_admin("GET", "/api/admin/object", None, "10.250.0.1")
            .await
        {
            Ok(info) => info,
            Err(e) => {
                eprintln!("the object's figures: {e}");
                continue;
            }
        };
        relays = info.body["relays"].as_array().cloned().unwrap_or_default();
        let on: u64 = relays.iter().filter_map(|r| r["sockets"].as_u64()).sum();
        if on >= n as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!(
        "{} sockets seated in {:.1} s",
        n,
        seating.elapsed().as_secs_f64()
    );
    let gap = Duration::from_micros(1_000_000 / rate.max(1));
    let total = (rate * seconds) as usize;
    // Posters are many people: each comment is sent at its moment, whatever the others wait.
    let posted: Arc<Mutex<Vec<(String, f64)>>> = Arc::default();
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut posts = Vec::new();
    let start = tokio::time::Instant::now();
    for k in 0..total {
        tokio::time::sleep_until(start + gap * k as u32).await;
        if drop_halfway && k == total / 2 {
            let closed = api
                .send_as_admin("POST", "/api/admin/sockets/close", None, "10.250.0.1")
                .await;
            eprintln!("closed: {}", closed.body);
        }
        let (posted, failures) = (posted.clone(), failures.clone());
        let text = format!("{label} {k}");
        let poster = format!("10.251.{}.{}", k / 250 % 250, 1 + k % 250);
        posts.push(tokio::spawn(async move {
            // Past wrangler's dev proxy too: while thousands of sockets reconnect it fails
            // requests as "Your worker restarted mid-request" (the runtime did not restart).
            let mut api = Api::new();
            api.base = runtime_url();
            let t = now_ms();
            let body = json!({"text": text, "domain": "relays.bench"}).to_string();
            match api
                .try_send("POST", "/api/comments", Some(body), &poster)
                .await
            {
                Ok(a) if a.status < 300 => posted.lock().expect("lock").push((text, t)),
                Ok(a) => failures
                    .lock()
                    .expect("lock")
                    .push(format!("{} {}", a.status, a.body)),
                Err(e) => failures.lock().expect("lock").push(e.to_string()),
            }
        }));
    }
    for p in posts {
        let _ = p.await;
    }
    let sent = posted.lock().expect("lock").clone();
    let mut failed = failures.lock().expect("lock").clone();
    // Until every reader has every comment (a reader that came back late catches up from its
    // cursor), for a minute at most. By text, not by count: a POST that failed in transport may
    // still have been stored, and reach the readers.
    let waited = tokio::time::Instant::now();
    while waited.elapsed() < Duration::from_secs(60) {
        let behind = readers
            .iter()
            .filter(|r| {
                let r = r.lock().expect("lock");
                sent.iter().any(|(text, _)| !r.first.contains_key(text))
            })
            .count();
        if behind == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let caught_up = waited.elapsed();
    *stop.lock().expect("lock") = true;
    for t in &tasks {
        t.abort();
    }
    let mut latencies = Vec::new();
    let (mut lost, mut doubled, mut frames, mut reconnects) = (0u64, 0u64, 0u64, 0u64);
    let mut ends: HashMap<String, u64> = HashMap::new();
    for r in &readers {
        let r = r.lock().expect("lock");
        for (why, n) in &r.ends {
            *ends.entry(why.clone()).or_default() += n;
        }
        doubled += r.doubled;
        frames += r.frames;
        reconnects += r.reconnects;
        for (text, t) in &sent {
            match r.first.get(text) {
                Some(at) => latencies.push(at - t),
                None => lost += 1,
            }
        }
    }
    println!(
        "### {n} sockets over {} relays, {rate} comments a second for {seconds} s{}\n",
        relays.len(),
        if drop_halfway {
            ", every socket dropped halfway"
        } else {
            ""
        }
    );
    println!("| measurement | result |\n|---|---|");
    println!("| comments posted | {} of {total} |", sent.len());
    if !failed.is_empty() {
        failed.sort();
        failed.dedup();
        println!(
            "| POSTs that failed | {} ({}) |",
            total - sent.len(),
            failed.join("; ")
        );
    }
    println!(
        "| post → socket p50 / p99 / max | {:.0} / {:.0} / {:.0} ms |",
        percentile(latencies.clone(), 0.5),
        percentile(latencies.clone(), 0.99),
        percentile(latencies, 1.0)
    );
    println!(
        "| frames per socket (comments per socket) | {:.0} ({}) |",
        frames as f64 / n as f64,
        sent.len()
    );
    println!("| lost / doubled (all sockets) | {lost} / {doubled} |");
    let mut ends: Vec<(String, u64)> = ends.into_iter().collect();
    ends.sort_by_key(|e| std::cmp::Reverse(e.1));
    let ends: Vec<String> = ends.iter().map(|(why, n)| format!("{n} {why}")).collect();
    println!("| reconnects | {reconnects} ({}) |", ends.join(", "));
    println!(
        "| every reader had every comment | {:.1} s after the last post |",
        caught_up.as_secs_f64()
    );
    let spread: Vec<String> = relays
        .iter()
        .map(|r| format!("{} {}", r["name"].as_str().unwrap_or("?"), r["sockets"]))
        .collect();
    println!("| sockets per relay | {} |\n", spread.join(", "));
}

#[tokio::main]
async fn main() {
    let api = Api::new();
    run(&api, "steady", false).await;
    run(&api, "storm", true).await;
}
