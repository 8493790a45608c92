//! Loading, polling, recovering: what reaches the screen, once each, in order.

use wasm_bindgen_test::wasm_bindgen_test;

use super::{setup, sleep, until, Page};
use crate::model::timeline::tests::comment;
use crate::sync::store::Store;

#[wasm_bindgen_test]
async fn bulk_load_then_fresh_polls_from_the_servers_cursor() {
    let (server, settings) = setup("bulk");
    let ids: Vec<String> = (0..3)
        .map(|i| server.borrow_mut().add(&format!("old {i}")).id)
        .collect();
    let page = Page::mount(settings);
    until("the bulk load shows", || page.ids() == ids).await;
    until("live", || page.status() == "live").await;

    let more: Vec<String> = (0..2)
        .map(|i| server.borrow_mut().add(&format!("new {i}")).id)
        .collect();
    until("new comments arrive", || page.ids().len() == 5).await;
    assert_eq!(
        page.ids(),
        [ids.clone(), more].concat(),
        "oldest first, each once"
    );

    let s = server.borrow();
    let gets = s.gets();
    assert!(
        gets[0].ends_with("/api/comments?limit=200"),
        "first a cached bulk load: {}",
        gets[0]
    );
    let newest_bulk = &s.comments[2];
    assert!(
        gets[1].ends_with(&format!(
            "?limit=200&after={}:{}&fresh=true",
            newest_bulk.timestamp, newest_bulk.id
        )),
        "then fresh polls after the bulk load's cursor: {}",
        gets[1]
    );
    assert!(gets[1..]
        .iter()
        .all(|g| g.contains("fresh=true") && g.contains("after=")));
}

#[wasm_bindgen_test]
async fn has_more_pages_come_at_once_and_ties_are_not_lost() {
    let (server, mut s) = setup("pages");
    server.borrow_mut().add("first");
    s.poll_limit = 2;
    s.poll_interval_ms = 5_000;
    let page = Page::mount(s);
    until("first", || page.ids().len() == 1).await;
    // Seven comments, three in one millisecond, while the page waits 5 s between polls: the
    // first catch-up poll pages through all of them at once.
    server.borrow_mut().add_same_ms(&["t1", "t2", "t3"]);
    for i in 0..4 {
        server.borrow_mut().add(&format!("n{i}"));
    }
    let expected: Vec<String> = server.borrow().ids();
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("online").unwrap())
        .unwrap();
    until("all seven", || page.ids().len() == 8).await;
    assert_eq!(page.ids(), expected);
}

#[wasm_bindgen_test]
async fn at_most_one_request_in_flight() {
    let (server, mut s) = setup("inflight");
    server.borrow_mut().latency_ms = 120;
    server.borrow_mut().add("a");
    s.poll_interval_ms = 10;
    let page = Page::mount(s);
    until("a few polls", || server.borrow().gets().len() >= 4).await;
    // Shown-again and back-online wake-ups while a request is out must not start another.
    for _ in 0..3 {
        web_sys::window()
            .unwrap()
            .dispatch_event(&web_sys::Event::new("online").unwrap())
            .unwrap();
        sleep(30).await;
    }
    until("more polls", || server.borrow().gets().len() >= 7).await;
    assert_eq!(server.borrow().max_in_flight_gets, 1);
    drop(page);
}

#[wasm_bindgen_test]
async fn an_outage_backs_off_keeps_the_cursor_and_recovers_everything_once() {
    let (server, settings) = setup("outage");
    server.borrow_mut().add("before");
    let page = Page::mount(settings);
    until("live", || page.status() == "live" && page.ids().len() == 1).await;
    let cursor_before = server
        .borrow()
        .gets()
        .last()
        .map(|g| g.split("after=").nth(1).unwrap_or("").to_owned());

    server.borrow_mut().down = true;
    until("offline", || page.status() == "offline").await;
    for i in 0..5 {
        server.borrow_mut().add(&format!("missed {i}"));
    }
    let n = server.borrow().gets().len();
    sleep(400).await;
    let during = server.borrow().gets().len() - n;
    assert!(
        during <= 4,
        "backs off while down ({during} tries in 400 ms at a 40 ms interval)"
    );
    let failed_cursors: Vec<String> = server.borrow().gets()[n..]
        .iter()
        .map(|g| g.split("after=").nth(1).unwrap_or("").to_owned())
        .collect();
    assert!(
        failed_cursors
            .iter()
            .all(|c| Some(c) == cursor_before.as_ref()),
        "failed polls keep the cursor"
    );

    server.borrow_mut().down = false;
    until("recovered", || {
        page.status() == "live" && page.ids().len() == 6
    })
    .await;
    let expected: Vec<String> = server.borrow().ids();
    assert_eq!(page.ids(), expected);
    sleep(150).await;
    assert_eq!(page.ids().len(), 6, "nothing shown twice");
}

#[wasm_bindgen_test]
async fn an_expired_cursor_loads_the_newest_again() {
    let (server, settings) = setup("expired");
    let first = server.borrow_mut().add("one");
    server.borrow_mut().expired_cursor = Some(format!("{}:{}", first.timestamp, first.id));
    let page = Page::mount(settings);
    until("two bulk loads", || {
        server
            .borrow()
            .gets()
            .iter()
            .filter(|g| g.ends_with("?limit=200"))
            .count()
            >= 2
    })
    .await;
    server.borrow_mut().expired_cursor = None;
    server.borrow_mut().add("two");
    until("continues polling", || page.ids().len() == 2).await;
    assert_eq!(page.status(), "live");
}

#[wasm_bindgen_test]
async fn history_from_indexeddb_merges_with_the_network_once_each() {
    let (server, settings) = setup("history");
    let store = Store::open(&settings.db_name)
        .await
        .expect("IndexedDB works in the test browser");
    // An earlier visit kept two old comments and one the server still has.
    let on_server = server.borrow_mut().add("on both");
    let kept = vec![
        comment(1_000, "kept-a"),
        comment(2_000, "kept-b"),
        on_server.clone(),
    ];
    store.put_all(&kept, &[]).await.unwrap();
    let fresh = server.borrow_mut().add("fresh");

    let page = Page::mount(settings);
    until("all four", || page.ids().len() == 4).await;
    assert_eq!(
        page.ids(),
        ["kept-a", "kept-b", on_server.id.as_str(), fresh.id.as_str()]
    );
    // What the network brought is kept for the next visit.
    let mut stored = 0;
    for _ in 0..50 {
        stored = store.count().await.unwrap();
        if stored == 4 {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(stored, 4);
}

#[wasm_bindgen_test]
async fn without_indexeddb_the_page_works_from_the_network_and_says_so() {
    let (server, settings) = setup("noidb");
    server.borrow_mut().add("hello");
    // A database at a newer version than the page knows cannot be opened by it.
    let newer = rexie::Rexie::builder(&settings.db_name)
        .version(99)
        .build()
        .await
        .unwrap();
    newer.close();
    let page = Page::mount(settings);
    until("the comment shows", || page.ids().len() == 1).await;
    // The network can win the race with the failed open: wait for the notice.
    until("the notice shows", || {
        page.all("[data-testid=storage-notice]:not([hidden])").len() == 1
    })
    .await;
    let notice = page.one("[data-testid=storage-notice]");
    assert!(notice
        .text_content()
        .unwrap_or_default()
        .contains("not keeping history"));
    server.borrow_mut().add("still live");
    until("polling goes on", || page.ids().len() == 2).await;
    assert_eq!(
        page.all("[data-testid=storage-notice]").len(),
        1,
        "said once"
    );
}

#[wasm_bindgen_test]
async fn showing_the_tab_again_polls_at_once() {
    let (server, mut s) = setup("visible");
    s.poll_interval_ms = 60_000;
    let page = Page::mount(s);
    until("live", || page.status() == "live").await;
    sleep(100).await;
    let before = server.borrow().gets().len();
    server.borrow_mut().add("while hidden");
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
    until("polled at once", || page.ids().len() == 1).await;
    assert_eq!(server.borrow().gets().len(), before + 1);
}

/// Makes touching `window.indexedDB` throw, as private modes and storage policies do, until
/// dropped: a failing test must not leave the block behind for the store tests that follow.
struct IndexedDbBlocked {
    original: wasm_bindgen::JsValue,
}

impl IndexedDbBlocked {
    const KEY: &'static str = "indexedDB";

    fn new() -> Self {
        let window: js_sys::Object = web_sys::window().unwrap().into();
        let key = wasm_bindgen::JsValue::from_str(Self::KEY);
        let original = js_sys::Object::get_own_property_descriptor(&window, &key);
        let thrower = js_sys::Function::new_no_args(
            "throw new DOMException('blocked by the test', 'SecurityError');",
        );
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"get".into(), &thrower).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
        js_sys::Object::define_property(&window, &key, &descriptor);
        Self { original }
    }
}

impl Drop for IndexedDbBlocked {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let window: js_sys::Object = window.into();
            let key = wasm_bindgen::JsValue::from_str(Self::KEY);
            js_sys::Object::define_property(&window, &key, &self.original.clone().into());
        }
    }
}

#[wasm_bindgen_test]
async fn with_indexeddb_blocked_by_the_browser_the_page_still_works() {
    let (server, settings) = setup("blocked");
    server.borrow_mut().add("hello");
    let _blocked = IndexedDbBlocked::new();

    let page = Page::mount(settings);
    until("the comment shows", || page.ids().len() == 1).await;
    until("the notice shows", || {
        page.all("[data-testid=storage-notice]").len() == 1
    })
    .await;
    page.one("[data-testid=storage-notice] button").click();
    until("dismissed", || {
        page.all("[data-testid=storage-notice]").is_empty()
    })
    .await;
    server.borrow_mut().add("still live");
    until("polling goes on", || page.ids().len() == 2).await;
}

/// Makes the document report `hidden` (or its real state again).
fn pretend_hidden(hidden: bool) {
    let document: js_sys::Object = web_sys::window().unwrap().document().unwrap().into();
    let key = wasm_bindgen::JsValue::from_str("visibilityState");
    if hidden {
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"value".into(), &"hidden".into()).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
        js_sys::Object::define_property(&document, &key, &descriptor);
    } else {
        js_sys::Reflect::delete_property(&document, &key).unwrap();
    }
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_hidden_tab_polls_rarely_and_at_once_when_shown() {
    let (server, mut s) = setup("hidden");
    s.poll_interval_ms = 40;
    s.hidden_interval_ms = 600;
    let page = Page::mount(s);
    until("live", || page.status() == "live").await;
    pretend_hidden(true);
    sleep(100).await;
    let before = server.borrow().gets().len();
    sleep(1_000).await;
    let hidden_polls = server.borrow().gets().len() - before;
    pretend_hidden(false);
    assert!(
        hidden_polls <= 2,
        "{hidden_polls} polls in 1 s while hidden (every 600 ms at most)"
    );
    server.borrow_mut().add("while hidden");
    until("shown again: polled at once", || page.ids().len() == 1).await;
}
