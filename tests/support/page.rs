//! The page contract (`data-testid`s in docs/api.md) as helpers for the browser suites.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::base_url;
use crate::webdriver::Browser;

/// Every shown comment row: id, status (pending/failed/none), username and text.
pub const SHOWN: &str =
    "return Array.from(document.querySelectorAll('[data-testid=comments] [data-testid=comment]'))
    .map(e => ({id: e.getAttribute('data-id'), status: e.getAttribute('data-status'),
                user: e.querySelector('[data-testid=comment-username]')?.textContent ?? '',
                text: e.querySelector('[data-testid=comment-text]')?.textContent ?? ''}));";
/// How many shown comments have this exact text (only server-confirmed ones when `arguments[1]`).
const COUNT: &str = "return Array.from(document.querySelectorAll('[data-testid=comments] [data-testid=comment]'))
    .filter(e => e.querySelector('[data-testid=comment-text]')?.textContent === arguments[0]
                 && (!arguments[1] || !['pending', 'failed'].includes(e.getAttribute('data-status')))).length;";
const IS_STATE: &str =
    "return document.querySelector('[data-testid=connection-status]')?.getAttribute('data-state') === arguments[0];";
const ENTER: &str = "\u{E007}";
/// Generous bounds for what should take one poll (5 s); the real latencies are printed, measured
/// and written down in docs/benchmarks.md, not asserted.
pub const POLL_BOUND: Duration = Duration::from_secs(12);

/// A text no other test will post.
pub fn token(name: &str) -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{name}-{}", n % 1_000_000_000)
}

/// The page's address. With `SWW_PUSH=off` in the environment the page is told to poll only
/// (`?push=off`, its test switch): `make test` runs the browser suite both ways.
pub fn page_url() -> String {
    match std::env::var("SWW_PUSH").as_deref() {
        Ok("off") => format!("{}/?push=off", base_url()),
        _ => format!("{}/", base_url()),
    }
}

/// Whether the suite runs with the live channel switched off.
pub fn polling_only() -> bool {
    std::env::var("SWW_PUSH").as_deref() == Ok("off")
}

/// A new browser on the page, once it is live.
pub async fn open() -> Browser {
    let b = Browser::start().await;
    b.goto(&page_url()).await;
    wait_state(&b, "live", POLL_BOUND).await;
    b
}

/// Waits until the page says it is current by `channel` (`push` or `poll`).
pub async fn wait_channel(b: &Browser, channel: &str, timeout: Duration) -> Duration {
    b.wait_for(
        &format!("connection-status live by {channel}"),
        "const s = document.querySelector('[data-testid=connection-status]');
         return s?.getAttribute('data-state') === 'live' && s?.getAttribute('data-channel') === arguments[0];",
        json!([channel]),
        timeout,
    )
    .await
    .1
}

pub async fn wait_state(b: &Browser, state: &str, timeout: Duration) -> Duration {
    b.wait_for(
        &format!("connection-status {state}"),
        IS_STATE,
        json!([state]),
        timeout,
    )
    .await
    .1
}

pub async fn wait_shown(b: &Browser, text: &str, confirmed: bool) -> Duration {
    b.wait_for(
        &format!("{text:?} on screen"),
        COUNT,
        json!([text, confirmed]),
        POLL_BOUND,
    )
    .await
    .1
}

pub async fn count(b: &Browser, text: &str) -> u64 {
    b.js(COUNT, json!([text, false]))
        .await
        .as_u64()
        .unwrap_or(0)
}

pub async fn shown(b: &Browser) -> Vec<Value> {
    b.js(SHOWN, json!([]))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Clicks the element `css` selects, as the page's own click would arrive.
pub async fn press(b: &Browser, css: &str) {
    let found = b
        .js(
            "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;",
            json!([css]),
        )
        .await;
    assert_eq!(found, json!(true), "{css} is on the page");
}

/// Types a name (when given) and a comment, and presses Enter, as a person would.
pub async fn say(b: &Browser, name: &str, text: &str) {
    if !name.is_empty() {
        let user = b.find("[data-testid=username-input]").await;
        b.js("arguments[0].value = '';", json!([user.arg()])).await;
        b.type_into(&user, name).await;
    }
    let input = b.find("[data-testid=comment-input]").await;
    b.type_into(&input, &format!("{text}{ENTER}")).await;
}
