//! The page posts on its live socket, in headless Chromium against the real worker: no HTTP
//! request while the channel answers; a lost acknowledgement is made good by the frame that
//! brings the post; and when the socket goes deaf the post goes over HTTP under the same id,
//! stored and shown once.

use std::time::Duration;

use saywhatwant_e2e::page::{count, polling_only, say, token, wait_channel, wait_shown};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::json;

/// Records the page's posts: `POST /api/comments` by fetch, and `{"post": …}` on sockets.
/// With `window.__dropAcks` set, acknowledgements never reach the page; with `window.__deaf`,
/// nothing does (as if the socket died between the commit and its answer).
const WATCH_POSTS: &str = r#"
window.__http = 0; window.__onSocket = 0; window.__dropped = 0;
window.__dropAcks = false; window.__deaf = false;
const realFetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  if ((init?.method ?? 'GET') === 'POST' && /\/api\/comments$/.test(url)) window.__http += 1;
  return realFetch.call(this, input, init);
};
const realSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (typeof data === 'string' && data.startsWith('{"post"')) window.__onSocket += 1;
  return realSend.call(this, data);
};
const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
Object.defineProperty(WebSocket.prototype, 'onmessage', {
  get() { return onmessage.get.call(this); },
  set(f) {
    onmessage.set.call(this, f && (e => {
      const ack = typeof e.data === 'string' && e.data.startsWith('{"ack"');
      if (window.__deaf || (window.__dropAcks && ack)) {
        window.__dropped += 1;
        return;
      }
      f(e);
    }));
  },
});
"#;

async fn watched() -> Browser {
    let b = Browser::start().await;
    b.before_each_page(WATCH_POSTS).await;
    b.goto(&saywhatwant_e2e::page::page_url()).await;
    wait_channel(&b, "push", Duration::from_secs(15)).await;
    b
}

async fn posts(b: &Browser) -> (u64, u64, u64) {
    let v = b
        .js(
            "return [window.__http, window.__onSocket, window.__dropped];",
            json!([]),
        )
        .await;
    let n = |i: usize| v[i].as_u64().unwrap_or(0);
    (n(0), n(1), n(2))
}

#[tokio::test]
async fn a_page_on_the_channel_posts_on_its_socket() {
    if polling_only() {
        eprintln!("skipped: this suite is about the live channel");
        return;
    }
    let api = Api::new();
    let b = watched().await;
    let text = token("posted on the socket");
    say(&b, "sock", &text).await;
    let took = wait_shown(&b, &text, true).await;
    eprintln!("confirmed in {took:?}");
    assert_eq!(
        posts(&b).await,
        (0, 1, 0),
        "(HTTP posts, socket posts, acks dropped)"
    );
    assert_eq!(api.stored_count(&text).await, 1);
    assert_eq!(count(&b, &text).await, 1);
    b.quit().await;
}

#[tokio::test]
async fn a_lost_acknowledgement_is_made_good_by_the_frame_that_brings_the_post() {
    if polling_only() {
        eprintln!("skipped: this suite is about the live channel");
        return;
    }
    let api = Api::new();
    let b = watched().await;
    b.js("window.__dropAcks = true;", json!([])).await;
    let text = token("acknowledgement lost");
    say(&b, "sock", &text).await;
    wait_shown(&b, &text, true).await;
    // Past the 5 s the page would wait for an answer: it never needed one.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (http, on_socket, dropped) = posts(&b).await;
    assert_eq!((http, on_socket), (0, 1), "no HTTP post");
    assert!(dropped >= 1);
    assert_eq!(api.stored_count(&text).await, 1);
    assert_eq!(count(&b, &text).await, 1);
    b.quit().await;
}

#[tokio::test]
async fn a_post_on_a_deaf_socket_goes_over_http_and_is_stored_once() {
    if polling_only() {
        eprintln!("skipped: this suite is about the live channel");
        return;
    }
    let api = Api::new();
    let b = watched().await;
    b.js("window.__deaf = true;", json!([])).await;
    let text = token("deaf socket");
    say(&b, "sock", &text).await;
    // The relay commits it at once; the page hears nothing, and after 5 s posts it over HTTP
    // (answered 200: stored before under that id).
    b.wait_for(
        "the post over HTTP",
        "return window.__http === 1;",
        json!([]),
        Duration::from_secs(15),
    )
    .await;
    wait_shown(&b, &text, true).await;
    assert_eq!(posts(&b).await.1, 1, "sent on the socket first");
    assert_eq!(api.stored_count(&text).await, 1, "stored once");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(count(&b, &text).await, 1, "shown once");
    b.quit().await;
}
