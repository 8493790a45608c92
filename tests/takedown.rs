//! Moderation as readers see it, in headless Chromium against the real worker: the operator
//! takes a comment down on the operator page and it leaves a pushed page, a polling page and a
//! page that was offline (when it catches up), and IndexedDB; restored, it comes back. A reader
//! reports a comment from its menu. The operator page passes axe-core.

use std::time::Duration;

use saywhatwant_e2e::axe::{source as axe_source, violations};
use saywhatwant_e2e::page::{count, open, token, wait_channel, wait_shown, wait_state, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::{base_url, Api};
use serde_json::json;

const IN_DB: &str = "const [id, done] = [arguments[0], arguments[arguments.length - 1]];
    const open = indexedDB.open('SayWhatWant');
    open.onerror = () => done('no database');
    open.onsuccess = () => {
      const get = open.result.transaction('messages').objectStore('messages').get(id);
      get.onsuccess = () => { open.result.close(); done(get.result ? 'kept' : 'gone'); };
      get.onerror = () => done('read failed');
    };";

async fn wait_gone(b: &Browser, text: &str, what: &str) -> Duration {
    b.wait_for(
        &format!("{text:?} gone from {what}"),
        "return !Array.from(document.querySelectorAll('[data-testid=comments] [data-testid=comment-text]'))
           .some(e => e.textContent === arguments[0]);",
        json!([text]),
        POLL_BOUND,
    )
    .await
    .1
}

/// The operator page, signed in, showing the recent comment `id`.
async fn operator(id: &str) -> Browser {
    let b = Browser::start().await;
    b.goto(&format!("{}/admin/", base_url())).await;
    // The page is its own wasm: wait until it has drawn the sign-in form.
    b.wait_for(
        "the operator page's sign-in",
        "return document.querySelector('[data-testid=admin-token]');",
        json!([]),
        POLL_BOUND,
    )
    .await;
    let input = b.find("[data-testid=admin-token]").await;
    let admin = std::env::var("ADMIN_TOKEN").expect("ADMIN_TOKEN (scripts/with-worker.sh)");
    b.type_into(&input, &format!("{admin}\u{E007}")).await;
    b.wait_for(
        "the comment on the operator page",
        "return document.querySelector(`[data-testid=recent] li[data-id='${arguments[0]}'] button[data-act=hide]`);",
        json!([id]),
        POLL_BOUND,
    )
    .await;
    b
}

async fn click(b: &Browser, css: &str) {
    let el = b.find(css).await;
    b.click(&el).await;
}

#[tokio::test]
async fn a_takedown_leaves_every_reader_and_a_restore_brings_it_back() {
    let api = Api::new();
    let text = token("taken down soon");
    let pushed = open().await;
    let polling = Browser::start().await;
    polling.goto(&format!("{}/?push=off", base_url())).await;
    wait_state(&polling, "live", POLL_BOUND).await;
    let away = open().await;
    let c = api.post(json!({"text": text}), "198.18.150.1").await;
    for b in [&pushed, &polling, &away] {
        wait_shown(b, &text, true).await;
    }
    assert_eq!(pushed.js_async(IN_DB, json!([c.id])).await, json!("kept"));
    away.set_offline(true).await;

    let op = operator(&c.id).await;
    click(
        &op,
        &format!(
            "[data-testid=recent] li[data-id='{}'] button[data-act=hide]",
            c.id
        ),
    )
    .await;
    op.wait_for(
        "the operator page says it is done",
        "return document.querySelector('[data-testid=admin-status]')?.textContent.includes('hide');",
        json!([]),
        POLL_BOUND,
    )
    .await;
    eprintln!(
        "gone by push in {:?}",
        wait_gone(&pushed, &text, "the pushed page").await
    );
    eprintln!(
        "gone by poll in {:?}",
        wait_gone(&polling, &text, "the polling page").await
    );
    assert_eq!(pushed.js_async(IN_DB, json!([c.id])).await, json!("gone"));
    // Still offline: it shows what it had. Back online, it catches up and drops it.
    assert_eq!(count(&away, &text).await, 1);
    away.set_offline(false).await;
    eprintln!(
        "gone after catching up in {:?}",
        wait_gone(&away, &text, "the page that was away").await
    );
    // A reload shows it nowhere once caught up: not from the server, not from IndexedDB. The
    // first load may come from the recent view, up to 10 s old and so still holding it; the
    // channel's first frame (the catch-up, after which the status says `push`) drops it.
    pushed.refresh().await;
    wait_channel(&pushed, "push", POLL_BOUND).await;
    assert_eq!(count(&pushed, &text).await, 0);

    // The hidden list restores it; every open page shows it again.
    op.wait_for(
        "the hidden comment listed",
        "return document.querySelector(`[data-testid=hidden] li[data-id='${arguments[0]}'] button[data-act=restore]`);",
        json!([c.id]),
        POLL_BOUND,
    )
    .await;
    click(
        &op,
        &format!(
            "[data-testid=hidden] li[data-id='{}'] button[data-act=restore]",
            c.id
        ),
    )
    .await;
    wait_shown(&pushed, &text, true).await;
    wait_shown(&polling, &text, true).await;
    // The emptied list says so rather than showing nothing.
    op.wait_for(
        "the hidden list's empty note",
        "const l = document.querySelector('[data-testid=hidden]');
         return !l.querySelector('li') && l.nextElementSibling?.textContent === 'Nothing is hidden.';",
        json!([]),
        POLL_BOUND,
    )
    .await;

    let axe = axe_source();
    let found = violations(&op, &axe).await;
    for b in [pushed, polling, away, op] {
        b.quit().await;
    }
    assert!(
        found.is_empty(),
        "axe-core found on the operator page: {found:#?}"
    );
}

#[tokio::test]
async fn a_reader_reports_a_comment_from_its_menu_and_the_operator_sees_it() {
    let api = Api::new();
    let text = token("report this one");
    let c = api.post(json!({"text": text}), "198.18.151.1").await;
    let b = open().await;
    wait_shown(&b, &text, true).await;
    click(
        &b,
        &format!(
            "[data-testid=comment][data-id='{}'] button[aria-haspopup=menu]",
            c.id
        ),
    )
    .await;
    click(&b, "[data-testid=message-menu] button[data-act='m:report']").await;
    b.wait_for(
        "the report acknowledged",
        "return document.querySelector('[data-testid=storage-notice]')?.textContent.includes('Reported');",
        json!([]),
        POLL_BOUND,
    )
    .await;
    b.quit().await;
    let state = api
        .send_as_admin("GET", "/api/admin/state", None, "198.18.151.250")
        .await;
    let queued = state.body["reports"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mine = queued
        .iter()
        .find(|r| r["commentId"] == c.id.as_str())
        .unwrap_or_else(|| panic!("not queued: {queued:?}"));
    assert_eq!(mine["count"], 1);
    assert_eq!(mine["comment"]["text"], text.as_str());
}
