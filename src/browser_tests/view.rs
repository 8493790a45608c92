//! What a person sees: hostile text, scrolling, the bounded window, a long history.

use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Event;

use super::{setup, sleep, until, Page};

#[wasm_bindgen_test]
async fn comment_text_and_names_are_never_html() {
    let (server, settings) = setup("xss");
    let hostile = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> see https://example.org/a."#;
    server.borrow_mut().add(hostile);
    if let Some(c) = server.borrow_mut().comments.last_mut() {
        c.username = Some("<b>bold</b>".into());
    }
    let page = Page::mount(settings);
    until("shown", || page.ids().len() == 1).await;
    sleep(50).await;
    assert_eq!(page.texts(), [hostile]);
    assert_eq!(
        page.one("[data-testid=comment-username]")
            .text_content()
            .unwrap(),
        "<b>bold</b>"
    );
    assert!(page
        .all("[data-testid=comment] img, [data-testid=comment] script, [data-testid=comment] b")
        .is_empty());
    let links = page.all("[data-testid=comment-text] a");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].get_attribute("href").unwrap(),
        "https://example.org/a"
    );
    assert_eq!(
        links[0].get_attribute("rel").unwrap(),
        "noopener noreferrer nofollow"
    );
    assert_eq!(links[0].get_attribute("target").unwrap(), "_blank");
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
async fn a_reader_scrolled_up_stays_put_and_can_jump_to_new_messages() {
    let (server, settings) = setup("scroll");
    for i in 0..60 {
        server.borrow_mut().add(&format!("comment number {i}"));
    }
    let page = Page::mount(settings);
    until("all", || page.ids().len() == 60).await;
    let scroller = page.one(".scroller");
    until("stuck to the bottom", || {
        scroller.scroll_height() - scroller.scroll_top() - scroller.client_height() <= 2
    })
    .await;

    scroller.set_scroll_top(scroller.scroll_height() / 2);
    scroller
        .dispatch_event(&Event::new("scroll").unwrap())
        .unwrap();
    sleep(50).await;
    let top = scroller.scroll_top();
    for i in 0..3 {
        server.borrow_mut().add(&format!("later {i}"));
    }
    let jump = page.one("[data-testid=new-messages]");
    until("the jump button", || !jump.hidden()).await;
    assert_eq!(jump.text_content().unwrap(), "3 new messages ↓");
    assert_eq!(
        scroller.scroll_top(),
        top,
        "new comments did not move the view"
    );
    assert_eq!(
        page.ids().len(),
        60,
        "nor were they rendered above the reader's place"
    );

    jump.click();
    until("at the newest", || {
        page.ids().len() == 63
            && scroller.scroll_height() - scroller.scroll_top() - scroller.client_height() <= 2
    })
    .await;
    assert!(jump.hidden());
}

#[wasm_bindgen_test]
async fn the_dom_holds_a_bounded_window_and_pages_back_through_indexeddb() {
    let (server, mut s) = setup("window");
    s.window_rows = 40;
    s.chunk_rows = 20;
    s.bulk_limit = 30;
    // History an earlier visit kept: 150 comments.
    let store = crate::sync::store::Store::open(&s.db_name).await.unwrap();
    let old: Vec<_> = (0..150)
        .map(|i| crate::model::timeline::tests::comment(1_000 + i, &format!("h{i:03}")))
        .collect();
    store.put_all(&old, &[]).await.unwrap();
    for i in 0..30 {
        server.borrow_mut().add(&format!("n{i}"));
    }
    let page = Page::mount(s);
    until("the newest window", || {
        page.ids().last().is_some_and(|id| id.starts_with('s'))
    })
    .await;
    // Filled from IndexedDB up to the window, and no further (a loaded machine is slow to fill).
    until("a full window", || page.ids().len() >= 40).await;
    sleep(100).await;
    assert_eq!(page.ids().len(), 40);

    let scroller = page.one(".scroller");
    // The row at the top stays where the reader sees it while older rows arrive above it.
    let first = page.ids()[0].clone();
    let on_screen = |id: &str| {
        let row = page.one(&format!("[data-id='{id}']"));
        row.offset_top() - scroller.scroll_top()
    };
    scroller.set_scroll_top(0);
    scroller
        .dispatch_event(&Event::new("scroll").unwrap())
        .unwrap();
    let before = on_screen(&first);
    until("older rows above", || page.ids()[0] != first).await;
    sleep(50).await;
    assert!(
        (on_screen(&first) - before).abs() <= 1,
        "the reader's row did not move: {before} then {} (scroll top {}, first row now {})",
        on_screen(&first),
        scroller.scroll_top(),
        page.ids()[0]
    );
    assert!(scroller.scroll_top() > 0);

    let mut seen_oldest = String::new();
    for _ in 0..20 {
        scroller.set_scroll_top(0);
        scroller
            .dispatch_event(&Event::new("scroll").unwrap())
            .unwrap();
        sleep(60).await;
        assert!(
            page.ids().len() <= 40,
            "never more than the window: {}",
            page.ids().len()
        );
        seen_oldest = page.ids()[0].clone();
        if seen_oldest == "h000" {
            break;
        }
    }
    assert_eq!(
        seen_oldest, "h000",
        "scrolling up reaches the oldest stored comment"
    );
    let ids = page.ids();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rows stay in time order");
}

#[wasm_bindgen_test]
async fn ten_thousand_stored_comments_load_into_a_bounded_window() {
    let (server, settings) = setup("tenk");
    let store = crate::sync::store::Store::open(&settings.db_name)
        .await
        .unwrap();
    for chunk in 0..10 {
        let batch: Vec<_> = (0..1_000)
            .map(|i| {
                let n = chunk * 1_000 + i;
                crate::model::timeline::tests::comment(1_000_000 + n, &format!("k{n:05}"))
            })
            .collect();
        store.put_all(&batch, &[]).await.unwrap();
    }
    server.borrow_mut().add("live");
    let window = settings.window_rows;
    let started = js_sys::Date::now();
    let page = Page::mount(settings);
    until("the newest rows", || page.ids().len() == window).await;
    let rendered = js_sys::Date::now() - started;
    web_sys::console::log_1(
        &format!("10 000 stored: {window} rows on screen after {rendered} ms").into(),
    );
    let ids = page.ids();
    assert_eq!(
        ids.last().map(|id| id.starts_with('s')),
        Some(true),
        "the live one is newest"
    );
    assert_eq!(
        ids[0],
        format!("k{:05}", 10_000 - window + 1),
        "the newest stored ones above it"
    );
}
