//! The reading tools in the page: clicking a name or a word filters, chips remove rules, the
//! switch turns them off; the poll and the unsent posts are untouched.

use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use super::{setup, sleep, until, Page};
use wasm_bindgen::JsCast;

/// Puts the caret at character `at` of the comment's text and clicks there.
fn click_word(el: &HtmlElement, at: u32) {
    let text = el.first_child().unwrap();
    let sel = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    sel.collapse_with_offset(Some(&text), at).unwrap();
    el.click();
}

#[wasm_bindgen_test]
async fn clicking_a_name_or_a_word_filters_and_chips_undo_it() {
    let (server, settings) = setup("filters");
    for (name, text) in [
        ("ann", "cats are nice"),
        ("bob", "dogs are nice"),
        ("ann", "cats and dogs"),
        ("cy", "nothing here"),
    ] {
        let mut s = server.borrow_mut();
        s.add(text);
        if let Some(last) = s.comments.last_mut() {
            last.username = Some(name.into());
        }
    }
    let page = Page::mount(settings);
    until("all four", || page.ids().len() == 4).await;
    let switch = "[data-testid=filter-toggle]";
    assert!(page.all(switch).is_empty(), "no filters: no switch");
    let all = page.ids();

    // The first ann's name: only ann's comments.
    page.all("[data-testid=comment-username]")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    until("ann only", || page.ids().len() == 2).await;
    assert_eq!(page.texts(), ["cats are nice", "cats and dogs"]);
    assert_eq!(page.all(switch).len(), 1);

    // A word of the second: ann's comments with "dogs" (ALL of the rules together).
    let texts = page.all("[data-testid=comment-text]");
    click_word(texts[1].unchecked_ref(), 10);
    until("ann and dogs", || page.ids().len() == 1).await;
    assert_eq!(page.texts(), ["cats and dogs"]);
    assert_eq!(page.all("[data-testid=filter-bar] .chip").len(), 2);

    // Switched off, everything is back; on again, the rules still hold.
    page.one("[data-testid=filter-toggle]").click();
    until("off", || page.ids() == all).await;
    assert_eq!(
        page.one("[data-testid=filter-toggle]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    page.one("[data-testid=filter-toggle]").click();
    until("on", || page.ids().len() == 1).await;

    // Removing the user chip leaves "dogs": bob's and ann's.
    page.all("[data-testid=filter-bar] .chip")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    until("dogs", || page.ids().len() == 2).await;
    assert_eq!(page.texts(), ["dogs are nice", "cats and dogs"]);
    page.one("[data-testid=filter-bar] .chip").click();
    until("all back", || page.ids() == all).await;
    assert!(page.all(switch).is_empty());

    // Polling went on under the filter: a new comment arrives and shows.
    server.borrow_mut().add("later");
    until("the new one", || page.ids().len() == 5).await;
    sleep(20).await;
}

#[wasm_bindgen_test]
async fn a_channel_shows_one_kind_and_the_poll_asks_for_it() {
    let (server, settings) = setup("channels");
    for (text, ai) in [("from a person", false), ("from a bot", true)] {
        let mut s = server.borrow_mut();
        s.add(text);
        if let Some(last) = s.comments.last_mut() {
            if ai {
                last.message_type = saywhatwant_wire::MessageType::Ai;
            }
        }
    }
    let page = Page::mount(settings);
    until("both", || page.ids().len() == 2).await;
    let pressed = |id: &str| {
        page.one(&format!("[data-testid={id}]"))
            .get_attribute("aria-pressed")
            .unwrap_or_default()
    };
    assert_eq!(pressed("channel-all"), "true");
    assert!(!server.borrow().gets().iter().any(|g| g.contains("type=")));

    page.one("[data-testid=channel-ai]").click();
    until("the bot only", || page.texts() == ["from a bot"]).await;
    assert_eq!(pressed("channel-ai"), "true");
    until("a poll of AI comments", || {
        server.borrow().gets().iter().any(|g| g.contains("type=AI"))
    })
    .await;
    server.borrow_mut().add("another person");
    server.borrow_mut().add("another bot");
    if let Some(last) = server.borrow_mut().comments.last_mut() {
        last.message_type = saywhatwant_wire::MessageType::Ai;
    }
    until("the new bot comment", || {
        page.texts() == ["from a bot", "another bot"]
    })
    .await;

    page.one("[data-testid=channel-human]").click();
    until("people only, the new one included", || {
        page.texts() == ["from a person", "another person"]
    })
    .await;
    assert!(server
        .borrow()
        .gets()
        .iter()
        .any(|g| g.contains("type=human")));
    page.one("[data-testid=channel-all]").click();
    until("everything", || page.ids().len() == 4).await;
}
