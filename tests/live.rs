//! The page on the live channel, in headless Chromium against the real worker: it follows by
//! push, and a socket the server drops mid-stream loses nothing and shows nothing twice
//! (the page polls from its cursor, then opens a new socket from where the poll left it).

use std::time::Duration;

use saywhatwant_e2e::page::{count, open, polling_only, token, wait_channel, wait_shown};
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn a_socket_dropped_by_the_server_loses_nothing_and_repeats_nothing() {
    if polling_only() {
        eprintln!("skipped: this suite is about the live channel");
        return;
    }
    let api = Api::new();
    let b = open().await;
    wait_channel(&b, "push", Duration::from_secs(15)).await;
    let before = token("before the drop");
    api.post(json!({"text": before}), "198.18.80.1").await;
    let took = wait_shown(&b, &before, true).await;
    eprintln!("pushed in {took:?}");
    let closed = api
        .send_as_admin("POST", "/api/admin/sockets/close", None, "198.18.80.2")
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(
        closed.body["closed"].as_u64().is_some_and(|n| n >= 1),
        "{}",
        closed.body
    );
    // Posted while the page falls back and comes back.
    let during: Vec<String> = (0..3)
        .map(|i| token(&format!("during the drop {i}")))
        .collect();
    for text in &during {
        api.post(json!({"text": text}), "198.18.80.1").await;
    }
    for text in &during {
        wait_shown(&b, text, true).await;
    }
    let back = wait_channel(&b, "push", Duration::from_secs(30)).await;
    eprintln!("back on the live channel after {back:?}");
    let after = token("after the drop");
    api.post(json!({"text": after}), "198.18.80.1").await;
    wait_shown(&b, &after, true).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    for text in during.iter().chain([&before, &after]) {
        assert_eq!(count(&b, text).await, 1, "{text} exactly once");
    }
    b.quit().await;
}

/// What a proxy that refuses WebSockets does to the page: each socket fails 25 ms after it is
/// made. And a record of every fresh poll the page sends.
const REFUSE_SOCKETS: &str = r#"
window.__polls = [];
const realFetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  const answer = realFetch.call(this, input, init);
  if (url.includes('fresh=true')) {
    // A page of a longer catch-up (`hasMore`) asks for the next one at once, by design.
    const poll = { at: performance.now(), more: false };
    window.__polls.push(poll);
    answer.then(r => r.clone().json()).then(j => { poll.more = j.hasMore === true; }, () => {});
  }
  return answer;
};
window.__sockets = 0;
window.WebSocket = class {
  constructor() {
    window.__sockets += 1;
    this.readyState = 0;
    setTimeout(() => {
      this.readyState = 3;
      if (this.onclose) this.onclose(new CloseEvent('close', { code: 1006 }));
    }, 25);
  }
  send() { throw new DOMException('not open', 'InvalidStateError'); }
  close() {}
};
"#;

#[tokio::test]
async fn with_websockets_refused_the_page_polls_once_every_five_seconds() {
    if polling_only() {
        eprintln!("skipped: this is the live channel failing, not switched off");
        return;
    }
    let api = Api::new();
    let b = saywhatwant_e2e::webdriver::Browser::start().await;
    b.before_each_page(REFUSE_SOCKETS).await;
    b.goto(&saywhatwant_e2e::page::page_url()).await;
    wait_channel(&b, "poll", Duration::from_secs(15)).await;
    // The fallback follows the stream.
    let text = token("while sockets are refused");
    api.post(json!({"text": text}), "198.18.81.1").await;
    wait_shown(&b, &text, true).await;
    tokio::time::sleep(Duration::from_secs(26)).await;
    let seen = b
        .js("return [window.__polls, window.__sockets];", json!([]))
        .await;
    b.quit().await;
    let polls: Vec<(f64, bool)> = seen[0]
        .as_array()
        .expect("the polls")
        .iter()
        .filter_map(|p| Some((p["at"].as_f64()?, p["more"].as_bool()?)))
        .collect();
    let sockets = seen[1].as_u64().unwrap_or(0);
    // The first fresh poll follows the cached bulk load at once; from then on, one clock. A
    // catch-up longer than a page (other suites post hundreds meanwhile) pages at once: the
    // gap after a `hasMore` answer is not the clock's.
    let gaps: Vec<f64> = polls
        .windows(2)
        .skip(1)
        .filter(|w| !w[0].1)
        .map(|w| (w[1].0 - w[0].0).round())
        .collect();
    eprintln!("{sockets} sockets tried; gaps between fresh polls (ms): {gaps:?}");
    assert!(sockets >= 3, "the page kept trying the channel: {sockets}");
    assert!(gaps.len() >= 4, "{gaps:?}");
    assert!(
        gaps.iter().all(|g| *g >= 4_500.0),
        "no two fresh polls closer than 4.5 s, whatever the socket retries do: {gaps:?}"
    );
    // Late timers on a loaded machine can stretch a gap; none may be missing a poll.
    assert!(
        gaps.iter().all(|g| *g <= 7_000.0),
        "a poll every 5 s while the channel is down: {gaps:?}"
    );
}
