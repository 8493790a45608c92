//! End to end: headless Chromium (Debian's, over WebDriver) against the release build of the page
//! served by the real worker under `wrangler dev`. Each scenario checks what a person would see.
//! Tests share one worker, so each marks its comments with a token of its own. The 1500-comment
//! scenario floods the stream, so it lives in `browser_bulk.rs`, which runs after these.

use std::time::Duration;

use saywhatwant_e2e::page::{
    count, open, page_url, say, shown, token, wait_shown, wait_state, POLL_BOUND,
};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn a_comment_typed_in_one_browser_appears_in_another() {
    let (a, b) = tokio::join!(open(), open());
    let text = token("hello from alice");
    say(&a, "alice", &text).await;
    let own = wait_shown(&a, &text, false).await;
    let other = wait_shown(&b, &text, true).await;
    eprintln!("shown to the poster after {own:?}, to the other browser after {other:?}");
    assert_eq!(count(&b, &text).await, 1);
    let rows = shown(&b).await;
    let row = rows
        .iter()
        .find(|r| r["text"] == text.as_str())
        .expect("the row");
    assert_eq!(row["user"], "alice");
    a.quit().await;
    b.quit().await;
}

#[tokio::test]
async fn posts_from_elsewhere_arrive_and_an_outage_is_caught_up_exactly_once() {
    let api = Api::new();
    let b = open().await;
    let first = token("over http");
    api.post(json!({"text": first, "username": "curl"}), "198.18.70.1")
        .await;
    wait_shown(&b, &first, true).await;
    b.set_offline(true).await;
    wait_state(&b, "offline", Duration::from_secs(30)).await;
    let missed = token("while you were away");
    api.post(json!({"text": missed, "username": "curl"}), "198.18.70.1")
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(count(&b, &missed).await, 0, "not shown while offline");
    b.set_offline(false).await;
    let back = wait_state(&b, "live", Duration::from_secs(45)).await;
    wait_shown(&b, &missed, true).await;
    eprintln!("recovered {back:?} after the network returned");
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(count(&b, &missed).await, 1, "exactly once");
    assert_eq!(count(&b, &first).await, 1);
    b.quit().await;
}

#[tokio::test]
async fn a_reload_keeps_earlier_comments_and_the_name() {
    let b = open().await;
    let text = token("before reload");
    say(&b, "carol", &text).await;
    wait_shown(&b, &text, true).await;
    b.refresh().await;
    wait_shown(&b, &text, true).await;
    let name = b
        .js(
            "return document.querySelector('[data-testid=username-input]').value;",
            json!([]),
        )
        .await;
    assert_eq!(name, "carol");
    b.quit().await;
}

#[tokio::test]
async fn markup_and_script_are_shown_as_text_and_never_run() {
    let api = Api::new();
    let text = format!(
        "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script><b>bold</b> {}",
        token("xss")
    );
    api.post(
        json!({"text": text, "username": "<i>evil</i>"}),
        "198.18.70.2",
    )
    .await;
    let b = open().await;
    wait_shown(&b, &text, true).await;
    let typed = format!("<svg onload=\"window.__pwned=3\"></svg> {}", token("typed"));
    say(&b, "<b>me</b>", &typed).await;
    wait_shown(&b, &text, true).await;
    wait_shown(&b, &typed, true).await;
    let injected = b.js("return document.querySelectorAll('[data-testid=comments] img, [data-testid=comments] script, [data-testid=comments] b, [data-testid=comments] i, [data-testid=comments] svg').length;", json!([])).await;
    assert_eq!(injected, 0, "no element came from comment data");
    assert_eq!(
        b.js("return window.__pwned === undefined;", json!([]))
            .await,
        true
    );
    assert!(shown(&b)
        .await
        .iter()
        .any(|r| r["text"] == text.as_str() && r["user"] == "<i>evil</i>"));
    b.quit().await;
}

#[tokio::test]
async fn a_failed_post_keeps_its_text_and_a_retry_stores_it_once() {
    let api = Api::new();
    let b = open().await;
    b.set_offline(true).await;
    let text = token("retry me");
    say(&b, "dave", &text).await;
    b.wait_for("the failed mark", "return Array.from(document.querySelectorAll('[data-testid=comment][data-status=failed] [data-testid=comment-text]')).some(e => e.textContent === arguments[0]);", json!([text]), Duration::from_secs(45)).await;
    b.set_offline(false).await;
    let retry = b
        .find("[data-testid=comment][data-status=failed] [data-testid=retry-button]")
        .await;
    b.click(&retry).await;
    wait_shown(&b, &text, true).await;
    assert_eq!(api.stored_count(&text).await, 1);
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(count(&b, &text).await, 1, "shown once");
    assert_eq!(api.stored_count(&text).await, 1, "stored once");
    b.quit().await;
}

#[tokio::test]
async fn with_indexeddb_blocked_the_page_still_works_and_says_so() {
    let api = Api::new();
    let b = Browser::start().await;
    b.before_each_page("Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('blocked by the test', 'SecurityError'); } });").await;
    b.goto(&page_url()).await;
    b.wait_for(
        "the storage notice",
        "return !!document.querySelector('[data-testid=storage-notice]');",
        json!([]),
        POLL_BOUND,
    )
    .await;
    wait_state(&b, "live", POLL_BOUND).await;
    let mine = token("no storage");
    say(&b, "erin", &mine).await;
    wait_shown(&b, &mine, true).await;
    let theirs = token("from elsewhere");
    api.post(json!({"text": theirs}), "198.18.72.1").await;
    wait_shown(&b, &theirs, true).await;
    b.quit().await;
}

#[tokio::test]
async fn the_first_load_is_asked_once_by_the_preload_while_the_wasm_downloads() {
    let api = Api::new();
    let before = token("before the page");
    api.post(json!({"text": before}), "198.18.73.1").await;
    let b = open().await;
    wait_shown(&b, &before, true).await;
    // index.html's <link rel=preload> asks it; the page's own fetch of that URL takes the answer
    // instead of asking again.
    let bulk = b
        .js(
            "return performance.getEntriesByType('resource')
                .filter(e => e.name.includes('/api/comments?') && !e.name.includes('after='))
                .map(e => [new URL(e.name).search, e.initiatorType]);",
            json!([]),
        )
        .await;
    assert_eq!(
        bulk,
        json!([["?limit=200", "link"]]),
        "one first load, by the preload"
    );
    let after = token("after the page");
    api.post(json!({"text": after}), "198.18.73.1").await;
    wait_shown(&b, &after, true).await;
    b.quit().await;
}
