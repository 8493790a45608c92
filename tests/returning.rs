//! A returning visitor of the original app (issue 15): a profile prepared like the original's,
//! a version-4 `SayWhatWant` IndexedDB database and the old `sww-username` / `sww-color` keys,
//! made on the page's origin before the page first opens its database. The page must show those
//! messages, say nothing about not keeping history, and sign the composer with the old identity.

use saywhatwant_e2e::page::{page_url, wait_shown, wait_state, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::{base_url, Api};
use serde_json::json;

/// What the original app leaves behind: its database at version 4 with its indexes and records
/// in its own shape (no domain, language or message-type; colours as `rgb(...)`).
const PREPARE: &str = "
const [records, done] = [arguments[0], arguments[arguments.length - 1]];
localStorage.setItem('sww-username', 'OldTimer');
localStorage.setItem('sww-color', 'rgb(200, 120, 40)');
const open = indexedDB.open('SayWhatWant', 4);
open.onupgradeneeded = () => {
  const s = open.result.createObjectStore('messages', {keyPath: 'id'});
  s.createIndex('timestamp', 'timestamp');
  s.createIndex('username', 'username');
  s.createIndex('color', 'color');
};
open.onerror = () => done('open failed: ' + open.error);
open.onsuccess = () => {
  const tx = open.result.transaction('messages', 'readwrite');
  for (const r of records) tx.objectStore('messages').put(r);
  tx.oncomplete = () => { open.result.close(); done('ok'); };
  tx.onerror = () => done('write failed: ' + tx.error);
};";

#[tokio::test]
async fn the_originals_history_and_identity_carry_over() {
    let api = Api::new();
    let now = api.page("/api/comments?limit=1").await;
    // Recent enough to sit among the newest the page reads back.
    let ts = now
        .comments
        .first()
        .map_or(1_700_000_000_000, |c| c.timestamp)
        + 1;
    let records = json!([
        {"id": "orig-a", "text": "from the original one", "timestamp": ts,
         "username": "ann", "color": "rgb(255, 100, 7)"},
        {"id": "orig-b", "text": "from the original two", "timestamp": ts + 1,
         "username": "bob", "color": "096165250", "message-type": "human", "replyTo": "orig-a"},
    ]);
    let b = Browser::start().await;
    b.goto(&format!("{}/api/comments?limit=1", base_url()))
        .await;
    assert_eq!(b.js_async(PREPARE, json!([records])).await, json!("ok"));

    b.goto(&page_url()).await;
    wait_state(&b, "live", POLL_BOUND).await;
    wait_shown(&b, "from the original one", false).await;
    wait_shown(&b, "from the original two", false).await;
    let colour = b
        .js(
            "return Array.from(document.querySelectorAll('[data-testid=comment]'))
               .find(r => r.getAttribute('data-id') === 'orig-a')
               ?.querySelector('[data-testid=comment-username]').getAttribute('data-color');",
            json!([]),
        )
        .await;
    assert_eq!(colour, "255100007", "rgb(...) converted");
    let reply = b
        .js(
            "return document.querySelector('[data-testid=reply-to][data-reply-to=orig-a]')?.textContent;",
            json!([]),
        )
        .await;
    assert_eq!(reply, "in reply to ann");
    let notice = b
        .js(
            "const n = document.querySelector('[data-testid=storage-notice]'); return !!n && !n.hidden && n.offsetParent !== null;",
            json!([]),
        )
        .await;
    assert_eq!(notice, json!(false), "no 'not keeping history' notice");
    let who = b
        .js(
            "return [document.querySelector('[data-testid=username-input]').value,
                     document.querySelector('[data-testid=color-input]').value,
                     localStorage.getItem('sww.username'), localStorage.getItem('sww.color')];",
            json!([]),
        )
        .await;
    assert_eq!(who, json!(["OldTimer", "#c87828", "OldTimer", "200120040"]));
    b.quit().await;
}
