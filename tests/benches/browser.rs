//! Browser numbers from real headless Chromium against the real worker (`make bench-browser`):
//! transfer size, navigation to first comment, a full render with 10 000 comments in IndexedDB,
//! post-to-other-tab latency over 20 posts (live channel and polling), a person's post to the AI's
//! answer on screen through a conversation link (echo responder), and the JS heap across an
//! hour of following.
//! Prints Markdown for docs/benchmarks.md. Sections: `size load render latency conversation heap`
//! (all by default); `SWW_HEAP_MINUTES` shortens the heap run, `SWW_HEAP_QUIET=1` runs it with no
//! new comments.

use std::process::Command;
use std::time::{Duration, Instant};

use saywhatwant_e2e::page::{open, token, wait_channel};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::{base_url, Api};
use serde_json::{json, Value};

/// Records when the first comment row and the wasm download appear, from the page's own clock.
const FIRST_COMMENT_PROBE: &str = "new MutationObserver((_, obs) => {
    if (document.querySelector('[data-testid=comment]')) {
        window.__firstComment = performance.now();
        obs.disconnect();
    }
}).observe(document, {subtree: true, childList: true});";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn gzip_size(path: &std::path::Path) -> u64 {
    let out = Command::new("gzip")
        .arg("-9c")
        .arg(path)
        .output()
        .expect("gzip runs");
    out.stdout.len() as u64
}

fn size() {
    let dist = std::env::var("SWW_DIST")
        .unwrap_or_else(|_| format!("{}/../dist", env!("CARGO_MANIFEST_DIR")));
    let mut total = (0, 0);
    println!("| file | raw bytes | gzip -9 bytes |\n|---|---:|---:|");
    let mut files: Vec<_> = std::fs::read_dir(&dist)
        .expect("a built dist/")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files.iter().filter(|f| {
        f.extension()
            .is_some_and(|e| e == "wasm" || e == "js" || e == "css")
    }) {
        let raw = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        let gz = gzip_size(f);
        total = (total.0 + raw, total.1 + gz);
        println!(
            "| {} | {raw} | {gz} |",
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
    }
    println!("| **wasm + js + css** | {} | **{}** |\n", total.0, total.1);
}

/// Where the time to the first comment goes, from the page's own clock (ms since navigation):
/// the HTML, the wasm's download, when the wasm asked for the bulk load (so it had been
/// instantiated and started), the bulk load's answer, and the first row in the DOM.
const PHASES: &str = "if (!window.__firstComment) return null;
    const r = performance.getEntriesByType('resource');
    const wasm = r.find(e => e.name.endsWith('.wasm'));
    const bulk = r.find(e => e.name.includes('/api/comments?') && !e.name.includes('after='));
    const nav = performance.getEntriesByType('navigation')[0];
    return [nav.responseEnd, wasm ? wasm.responseEnd : 0, bulk ? bulk.startTime : 0,
            bulk ? bulk.responseEnd : 0, window.__firstComment,
            r.filter(e => e.name.includes('/api/comments?') && !e.name.includes('after=')).length];";

async fn load(api: &Api) {
    for i in 0..50 {
        api.post(json!({"text": format!("load bench {i}")}), "198.18.80.1")
            .await;
    }
    let b = open().await; // warms the worker's view and the HTTP cache
    b.before_each_page(FIRST_COMMENT_PROBE).await;
    println!("| navigation → (median of 10, ms) | HTML | wasm downloaded | bulk load asked | bulk load answered | first comment on screen (max) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for cold in [false, true] {
        let mut phases: Vec<Vec<f64>> = vec![Vec::new(); 6];
        for _ in 0..10 {
            if cold {
                b.cdp("Network.clearBrowserCache", json!({})).await;
            }
            b.refresh().await;
            let v = b
                .wait_for(
                    "the first comment",
                    PHASES,
                    json!([]),
                    Duration::from_secs(20),
                )
                .await
                .0;
            for (i, p) in phases.iter_mut().enumerate() {
                p.push(v[i].as_f64().unwrap_or(0.0));
            }
        }
        let max = phases[4].iter().cloned().fold(0.0, f64::max);
        // The preload and the page's own request must be one request.
        let most = phases[5].iter().cloned().fold(0.0, f64::max);
        assert_eq!(
            most, 1.0,
            "the bulk load was asked {most} times on one load"
        );
        let m: Vec<f64> = phases.into_iter().map(median).collect();
        println!(
            "| {} cache | {:.0} | {:.0} | {:.0} | {:.0} | **{:.0}** ({max:.0}) |",
            if cold { "cold" } else { "warm" },
            m[0],
            m[1],
            m[2],
            m[3],
            m[4]
        );
    }
    b.quit().await;
}

async fn render() {
    let b = open().await;
    // 10 000 comments straight into the app's IndexedDB store, older than anything on the server.
    let fill = "return new Promise((resolve, reject) => {
        const req = indexedDB.open('SayWhatWant');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction('messages', 'readwrite');
            const store = tx.objectStore('messages');
            const base = Date.now() - 86400000;
            for (let i = 0; i < 10000; i++) {
                store.put({id: 'idb' + i, text: 'stored comment ' + i, timestamp: base + i * 1000,
                    username: 'history', color: '180200120', domain: 'bench', language: 'en',
                    'message-type': 'human', misc: ''});
            }
            tx.oncomplete = () => { db.close(); resolve(10000); };
            tx.onerror = () => reject(tx.error);
        };
    });";
    let n = b.js(fill, json!([])).await;
    assert_eq!(n, 10000);
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        b.refresh().await;
        b.wait_for("500 rows", "return document.querySelectorAll('[data-testid=comments] [data-testid=comment]').length >= 500;", json!([]), Duration::from_secs(30)).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "| 10 000 comments in IndexedDB: reload → 500 rows rendered | median {:.0} ms |",
        median(times)
    );
    // Scrolling to the top pages older rows in from IndexedDB.
    let oldest_shown =
        "return Math.min(...Array.from(document.querySelectorAll('[data-testid=comment-text]'))
        .map(e => /^stored comment (\\d+)$/.exec(e.textContent)).filter(m => m).map(m => +m[1]));";
    let before = b.js(oldest_shown, json!([])).await.as_f64().unwrap_or(0.0);
    let started = Instant::now();
    b.js(
        "document.querySelector('[data-testid=comments]').closest('.scroller').scrollTop = 0;",
        json!([]),
    )
    .await;
    let older = oldest_shown.replace("return Math.min", "return arguments[0] > Math.min");
    b.wait_for(
        "older rows",
        &older,
        json!([before]),
        Duration::from_secs(30),
    )
    .await;
    println!(
        "| scroll to the top → older rows from IndexedDB on screen | {:.0} ms |",
        started.elapsed().as_secs_f64() * 1000.0
    );
    b.quit().await;
}

/// Marks, in the page's own clock (`Date.now()`, the same machine's clock as the test's),
/// when a row with the text `arguments[0]` first appears.
const SEEN_PROBE: &str = "const want = arguments[0];
    window.__seen = window.__seen || {};
    const look = () => Array.from(document.querySelectorAll('[data-testid=comment-text]'))
        .some(e => e.textContent === want);
    if (look()) { window.__seen[want] = Date.now(); return; }
    new MutationObserver((_, obs) => {
        if (look()) { window.__seen[want] = Date.now(); obs.disconnect(); }
    }).observe(document, {subtree: true, childList: true, characterData: true});";

fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Post (HTTP) → the row in another open tab, 20 posts, by the live channel and by polling.
async fn latency(api: &Api) {
    for (channel, url) in [
        ("push", page_url_with("")),
        ("poll", page_url_with("?push=off")),
    ] {
        let b = Browser::start().await;
        b.goto(&url).await;
        wait_channel(&b, channel, Duration::from_secs(20)).await;
        let mut times = Vec::new();
        for i in 0..20 {
            // Spread over the poll cycle so every phase is sampled.
            tokio::time::sleep(Duration::from_millis(1_300 + (i * 370) % 2_000)).await;
            let text = token(&format!("latency {channel} {i}"));
            b.js(SEEN_PROBE, json!([text])).await;
            let sent = epoch_ms();
            api.post(json!({"text": text}), "198.18.81.1").await;
            let seen = b
                .wait_for(
                    "the row",
                    "return window.__seen && window.__seen[arguments[0]];",
                    json!([text]),
                    Duration::from_secs(15),
                )
                .await
                .0;
            times.push(seen.as_f64().unwrap_or(f64::NAN) - sent);
        }
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!(
            "| post (HTTP) → shown in another open tab, 20 posts, by {channel} | p50 {:.0} ms, max {:.0} ms |",
            median(times),
            max
        );
        b.quit().await;
    }
}

/// Marks, in the page's clock, when an AI row answering the person's row with `arguments[0]`
/// as its text appears (the answer's text is the model's: it is found by its "in reply to").
const ANSWER_PROBE: &str = "const want = arguments[0];
    window.__answered = window.__answered || {};
    const look = () => {
        const asked = Array.from(document.querySelectorAll('[data-testid=comment]'))
            .find(r => r.querySelector('[data-testid=comment-text]')?.textContent === want);
        const id = asked?.getAttribute('data-id');
        return id && document.querySelector(`[data-testid=reply-to][data-reply-to=\"${id}\"]`);
    };
    new MutationObserver((_, obs) => {
        if (look()) { window.__answered[want] = Date.now(); obs.disconnect(); }
    }).observe(document, {subtree: true, childList: true, characterData: true});";

/// A person's post from a conversation link → the AI's answer on screen, the bot on the live
/// channel with the sample entities, 10 short questions: with the echo responder (what the
/// stream itself adds), and with the real local model when `SWW_BENCH_MODEL_URL` names its
/// OpenAI-compatible root (`scripts/ensure-model.sh`; `make run` serves it on PORT+1).
async fn conversation() {
    use saywhatwant_bot::{Echo, OpenAi};
    ask_the_ai("echo responder", Echo).await;
    if let Ok(url) = std::env::var("SWW_BENCH_MODEL_URL") {
        let model = OpenAi::new(&url, "SmolLM2-135M-Instruct", None, Duration::from_secs(60))
            .expect("a client");
        ask_the_ai("the local SmolLM2-135M", model).await;
    }
}

async fn ask_the_ai<R: saywhatwant_bot::Responder>(what: &str, responder: R) {
    use saywhatwant_bot::{ApiClient, Bot, Identity};
    let client = ApiClient::new(&base_url(), Duration::from_secs(10))
        .expect("client")
        .with_token(Some(saywhatwant_e2e::bot_token()));
    let entities = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bot/entities.json");
    let mut bot = Bot::new(
        client,
        responder,
        Identity {
            name: "Bench".into(),
            color: "120200255".into(),
        },
    )
    .with_entities_file(entities)
    .expect("the sample entities");
    let me = "Bencher";
    let b = Browser::start().await;
    b.goto(&format!(
        "{}/#entity=guide&ais=Guide:080200160&nom=4&uis={me}:120120120",
        base_url()
    ))
    .await;
    wait_channel(&b, "push", Duration::from_secs(20)).await;
    // The bot runs in this task beside the measuring (a responder's future need not be Send).
    let times = tokio::select! {
        _ = bot.run(Duration::from_secs(30), true) => unreachable!("the bot runs for ever"),
        times = measure(&b) => times,
    };
    let max = times.iter().cloned().fold(0.0, f64::max);
    println!(
        "| a post from a conversation link → the AI's answer on screen ({what}, push), 10 questions | p50 {:.0} ms, max {:.0} ms |",
        median(times),
        max
    );
    b.quit().await;
}

async fn measure(b: &Browser) -> Vec<f64> {
    // Let the bot's own channel open.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let questions = [
        "hello, who are you?",
        "what is tea?",
        "is the sky blue?",
        "say something nice",
        "what is rust?",
        "do you like cats?",
        "how are you today?",
        "what is a river?",
        "tell me a fact",
        "good night!",
    ];
    let mut times = Vec::new();
    for q in questions {
        let text = token(q);
        b.js(ANSWER_PROBE, json!([text])).await;
        b.js("window.__sent = Date.now();", json!([])).await;
        saywhatwant_e2e::page::say(b, "", &text).await;
        let took = b
            .wait_for(
                "the answer",
                "const t = window.__answered && window.__answered[arguments[0]]; return t && t - window.__sent;",
                json!([text]),
                Duration::from_secs(60),
            )
            .await
            .0;
        times.push(took.as_f64().unwrap_or(f64::NAN));
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    times
}

fn page_url_with(query: &str) -> String {
    format!("{}/{query}", base_url())
}

/// The sampling heap profiler's interval in bytes: fine enough that a leak of a few hundred
/// bytes a poll shows within minutes.
const HEAP_SAMPLING_BYTES: u64 = 256;

/// What the page holds after a forced GC. `heap` is all of V8's heap, including the code its
/// compilers emit as functions get hot: in the quiet control that alone grows it for the first
/// ~20 minutes, while the wasm-bindgen glue every poll runs moves up V8's tiers (heap snapshots
/// show only code objects added; with `--js-flags="--no-opt --no-maglev --no-sparkplug"` the
/// heap stays flat). `live` is the sampling heap profiler's estimate of what was allocated since
/// the start and is still alive: what a leak in the page would grow with every poll. `blink` is
/// the renderer's own heap, where DOM nodes and resource-timing entries live.
struct HeapSample {
    heap_kib: f64,
    live_kib: f64,
    blink_kib: f64,
    nodes: u64,
    listeners: u64,
    documents: u64,
}

impl std::fmt::Display for HeapSample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "JS heap {:.1} KiB (objects allocated since the start: {:.1} KiB), Blink heap {:.1} KiB, \
             {} DOM nodes, {} listeners, {} documents",
            self.heap_kib,
            self.live_kib,
            self.blink_kib,
            self.nodes,
            self.listeners,
            self.documents
        )
    }
}

async fn heap_sample(b: &Browser) -> HeapSample {
    b.cdp("HeapProfiler.collectGarbage", json!({})).await;
    let used = b.cdp("Runtime.getHeapUsage", json!({})).await;
    let metrics = b.cdp("Performance.getMetrics", json!({})).await;
    let metric = |name: &str| {
        metrics["metrics"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["name"] == name))
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(0.0) as u64
    };
    let live = live_allocations(b).await;
    let kib = |v: &Value| v.as_f64().unwrap_or(0.0) / 1024.0;
    HeapSample {
        heap_kib: kib(&used["usedSize"]),
        live_kib: live.iter().map(|(size, _)| size).sum::<u64>() as f64 / 1024.0,
        blink_kib: kib(&used["embedderHeapUsedSize"]),
        nodes: metric("Nodes"),
        listeners: metric("JSEventListeners"),
        documents: metric("Documents"),
    }
}

/// The sampling heap profiler's live allocations by where they were made: bytes and the
/// innermost frames, innermost first.
async fn live_allocations(b: &Browser) -> Vec<(u64, String)> {
    fn walk(node: &Value, stack: &mut Vec<String>, out: &mut Vec<(u64, String)>) {
        let name = node["callFrame"]["functionName"].as_str().unwrap_or("");
        stack.push(if name.is_empty() { "(anonymous)" } else { name }.to_owned());
        let size = node["selfSize"].as_u64().unwrap_or(0);
        if size > 0 {
            let frames: Vec<_> = stack.iter().rev().take(4).map(String::as_str).collect();
            out.push((size, frames.join(" < ")));
        }
        for child in node["children"].as_array().into_iter().flatten() {
            walk(child, stack, out);
        }
        stack.pop();
    }
    let profile = b.cdp("HeapProfiler.getSamplingProfile", json!({})).await;
    let mut out = Vec::new();
    walk(&profile["profile"]["head"], &mut Vec::new(), &mut out);
    out.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    out
}

async fn heap(api: &Api, minutes: u64) {
    let quiet = std::env::var_os("SWW_HEAP_QUIET").is_some();
    let b = open().await;
    b.cdp("Performance.enable", json!({})).await;
    b.cdp(
        "HeapProfiler.startSampling",
        json!({"samplingInterval": HEAP_SAMPLING_BYTES}),
    )
    .await;
    let start = heap_sample(&b).await;
    eprintln!("  0 min: {start}");
    let started = Instant::now();
    let mut last = None;
    let mut posted = 0;
    while started.elapsed() < Duration::from_secs(minutes * 60) {
        // A comment every 15 s, so the page keeps receiving, storing and rendering; with
        // SWW_HEAP_QUIET set, none: the control that shows what polling alone costs.
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_secs(15)).await;
            if quiet {
                continue;
            }
            let body = json!({"text": format!("heap bench {posted}")}).to_string();
            let ip = format!("198.18.82.{}", posted / 9 % 250);
            // A lost post only thins the traffic; it must not end an hour-long run.
            match api.try_send("POST", "/api/comments", Some(body), &ip).await {
                Ok(a) if a.status == 201 => {}
                Ok(a) => eprintln!("post answered {}", a.status),
                Err(e) => eprintln!("post failed: {e}"),
            }
            posted += 1;
        }
        let sample = heap_sample(&b).await;
        eprintln!("{:>3} min: {sample}", started.elapsed().as_secs() / 60);
        last = Some(sample);
    }
    let last = last.as_ref().unwrap_or(&start);
    // Where the surviving objects were allocated: a leak in the page names its own functions.
    for (size, frames) in live_allocations(&b).await.iter().take(5) {
        eprintln!("  still alive: {size:>6} B from {frames}");
    }
    // Read last: reading the entries makes JS objects for them.
    let polls = b.js("return performance.getEntriesByType('resource').filter(e => e.name.includes('fresh=true')).length;", json!([])).await;
    println!(
        "| JS heap after GC: at start → after {minutes} min of polling ({polls} polls, {posted} comments received) | {:.0} KiB → {:.0} KiB |",
        start.heap_kib, last.heap_kib
    );
    println!(
        "| of which JS objects allocated during those {minutes} min and still alive (sampled) | {:.0} KiB |",
        last.live_kib
    );
    b.quit().await;
}

#[tokio::main]
async fn main() {
    let run = saywhatwant_e2e::bench_sections();
    let api = Api::new();
    println!(
        "Measured with: `{}` against {}\n",
        std::env::args().collect::<Vec<_>>().join(" "),
        base_url()
    );
    if run("size") {
        size();
    }
    println!("| measurement | result |\n|---|---|");
    if run("load") {
        load(&api).await;
    }
    if run("render") {
        render().await;
    }
    if run("latency") {
        latency(&api).await;
    }
    if run("conversation") {
        conversation().await;
    }
    if run("heap") {
        heap(
            &api,
            std::env::var("SWW_HEAP_MINUTES")
                .ok()
                .and_then(|m| m.parse().ok())
                .unwrap_or(60),
        )
        .await;
    }
}
