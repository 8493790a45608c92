//! What a person sees and does: writing, failures, hostile text, scrolling.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Event, EventInit, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

use super::{setup, sleep, until, Page};

fn type_text(page: &Page, text: &str) {
    let input: HtmlTextAreaElement = page.one("[data-testid=comment-input]").unchecked_into();
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

fn press_enter(page: &Page, shift: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    page.one("[data-testid=comment-input]")
        .dispatch_event(&ev)
        .unwrap();
    ev.default_prevented()
}

fn textarea_value(page: &Page) -> String {
    page.one("[data-testid=comment-input]")
        .unchecked_into::<HtmlTextAreaElement>()
        .value()
}

#[wasm_bindgen_test]
async fn enter_sends_shows_pending_then_the_servers_copy() {
    let (server, settings) = setup("send");
    server.borrow_mut().latency_ms = 150;
    let page = Page::mount(settings);
    until("live", || page.status() == "live").await;

    type_text(&page, "line one");
    assert!(!press_enter(&page, true), "Shift+Enter is a new line");
    assert_eq!(textarea_value(&page), "line one");
    type_text(&page, "  hello <b>world</b>  ");
    assert!(press_enter(&page, false));
    until("the text moved into the stream", || {
        textarea_value(&page).is_empty()
    })
    .await;
    until("pending row", || {
        !page.all("[data-status=pending]").is_empty()
    })
    .await;
    assert_eq!(page.texts(), ["hello <b>world</b>"]);

    until("stored", || {
        page.all("[data-status]").is_empty() && page.ids().len() == 1
    })
    .await;
    let (stored, log) = {
        let s = server.borrow();
        (s.comments.clone(), s.log.clone())
    };
    assert_eq!(stored.len(), 1);
    assert_eq!(
        page.ids(),
        [stored[0].id.as_str()],
        "the server's copy replaced the pending one"
    );
    assert_eq!(stored[0].text, "hello <b>world</b>");
    assert!(
        saywhatwant_wire::is_valid_id(&stored[0].id) && stored[0].id.len() == 22,
        "a client-made id"
    );
    assert!(log.iter().any(|l| l.starts_with("POST")));
    sleep(200).await;
    assert_eq!(page.ids().len(), 1, "the next poll does not show it twice");
}

#[wasm_bindgen_test]
async fn a_failed_post_keeps_its_text_and_a_retry_never_duplicates() {
    let (server, settings) = setup("retry");
    let page = Page::mount(settings);
    until("live", || page.status() == "live").await;
    // The server stores the post but the answer is lost on the way back.
    server.borrow_mut().lose_post_answers = true;
    type_text(&page, "only once");
    press_enter(&page, false);
    until("failed row", || {
        !page.all("[data-status=failed]").is_empty()
    })
    .await;
    assert_eq!(page.texts(), ["only once"]);
    let failed_id = page.all("[data-status=failed]")[0]
        .get_attribute("data-id")
        .unwrap();

    server.borrow_mut().lose_post_answers = false;
    page.one("[data-testid=retry-button]").click();
    until("sent", || page.all("[data-status]").is_empty()).await;
    sleep(150).await;
    let s = server.borrow();
    assert_eq!(
        s.comments.iter().filter(|c| c.text == "only once").count(),
        1
    );
    assert_eq!(s.comments[0].id, failed_id, "the retry used the same id");
    assert_eq!(page.ids(), [failed_id]);
}

#[wasm_bindgen_test]
async fn a_post_survives_a_reload() {
    let (server, settings) = setup("reload");
    server.borrow_mut().down = true;
    let page = Page::mount(settings.clone());
    type_text(&page, "written offline");
    press_enter(&page, false);
    until("failed", || !page.all("[data-status=failed]").is_empty()).await;
    type_text(&page, "half a thought");
    drop(page);

    server.borrow_mut().down = false;
    let page = Page::mount(settings);
    until("the draft is kept", || {
        textarea_value(&page) == "half a thought"
    })
    .await;
    until("the saved post is sent", || {
        server.borrow().comments.len() == 1
    })
    .await;
    until("and shown", || {
        page.texts() == ["written offline"] && page.all("[data-status]").is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_limit_is_201_characters() {
    let (_server, settings) = setup("limit");
    let page = Page::mount(settings);
    let send = page.one("[data-testid=send-button]");
    type_text(&page, &"é".repeat(201));
    sleep(30).await;
    assert!(!send.has_attribute("disabled"));
    type_text(&page, &"é".repeat(202));
    until("send disabled", || send.has_attribute("disabled")).await;
    assert!(page
        .one("#char-count")
        .text_content()
        .unwrap()
        .contains("1 too long"));
    press_enter(&page, false);
    sleep(50).await;
    assert_eq!(
        textarea_value(&page).chars().count(),
        202,
        "nothing is cut or lost"
    );
    assert!(page.ids().is_empty());
}

#[wasm_bindgen_test]
async fn name_and_colour_are_remembered() {
    let (_server, settings) = setup("prefs");
    let page = Page::mount(settings.clone());
    let picker: web_sys::HtmlInputElement = page.one("[data-testid=color-input]").unchecked_into();
    // A new picker shows black; the first visit's random colour replaces it.
    until("a colour", || picker.value() != "#000000").await;
    let colour = picker.value();
    assert!(
        crate::color::Rgb::from_hex(&colour).is_some(),
        "a colour from the first visit: {colour}"
    );
    let name: web_sys::HtmlInputElement = page.one("[data-testid=username-input]").unchecked_into();
    name.set_value("ada");
    let init = EventInit::new();
    init.set_bubbles(true);
    name.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    drop(page);
    let page = Page::mount(settings);
    let name: web_sys::HtmlInputElement = page.one("[data-testid=username-input]").unchecked_into();
    until("the name is back", || name.value() == "ada").await;
    let again = page
        .one("[data-testid=color-input]")
        .unchecked_into::<web_sys::HtmlInputElement>();
    assert_eq!(again.value(), colour);
}

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
    let store = crate::store::Store::open(&s.db_name).await.unwrap();
    let old: Vec<_> = (0..150)
        .map(|i| crate::timeline::tests::comment(1_000 + i, &format!("h{i:03}")))
        .collect();
    store.put_all(&old).await.unwrap();
    for i in 0..30 {
        server.borrow_mut().add(&format!("n{i}"));
    }
    let page = Page::mount(s);
    until("the newest window", || {
        page.ids().last().is_some_and(|id| id.starts_with('s'))
    })
    .await;
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
        "the reader's row did not move"
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
    let store = crate::store::Store::open(&settings.db_name).await.unwrap();
    for chunk in 0..10 {
        let batch: Vec<_> = (0..1_000)
            .map(|i| {
                let n = chunk * 1_000 + i;
                crate::timeline::tests::comment(1_000_000 + n, &format!("k{n:05}"))
            })
            .collect();
        store.put_all(&batch).await.unwrap();
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
