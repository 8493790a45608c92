//! The composer: writing, sending, failures and retries, what is remembered.

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
    let count = page.one("#char-count");
    type_text(&page, &"é".repeat(201));
    sleep(30).await;
    assert!(!send.has_attribute("disabled"));
    assert!(!count.has_attribute("data-over"), "201 is not too long");
    type_text(&page, &"é".repeat(202));
    until("send disabled", || send.has_attribute("disabled")).await;
    assert!(
        count.has_attribute("data-over"),
        "the count says it is too long"
    );
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
        crate::model::color::Rgb::from_hex(&colour).is_some(),
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
    until("the colour is back", || again.value() == colour).await;
}

#[wasm_bindgen_test]
async fn edit_takes_a_failed_post_back_into_the_composer() {
    let (server, settings) = setup("edit");
    server.borrow_mut().down = true;
    let page = Page::mount(settings);
    type_text(&page, "first try");
    press_enter(&page, false);
    until("failed", || !page.all("[data-status=failed]").is_empty()).await;
    type_text(&page, "meanwhile");
    page.one("[data-status=failed] .edit").click();
    until("back in the composer", || {
        textarea_value(&page) == "meanwhile\nfirst try"
    })
    .await;
    assert!(page.ids().is_empty(), "and out of the stream");
}
