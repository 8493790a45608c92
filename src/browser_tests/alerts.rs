//! Filter alerts: right-click a chip, choose a sound; a new comment that matches plays it once
//! and marks the chip until the reader looks at it.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, MouseEvent, MouseEventInit};

use std::cell::RefCell;

use super::fake_server::Server;
use super::{setup, sleep, until, Page};
use crate::sound::played;

/// `name` says `text` on the fake server.
fn say(server: &RefCell<Server>, name: &str, text: &str) {
    let mut s = server.borrow_mut();
    s.add(text);
    if let Some(last) = s.comments.last_mut() {
        last.username = Some(name.into());
    }
}

fn fire(el: &Element, kind: &str) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    el.dispatch_event(&MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

fn menu_items(page: &Page) -> Vec<(String, String)> {
    let menu = page.one("[data-testid=message-menu]");
    if menu.hidden() {
        return Vec::new();
    }
    page.all("[data-testid=message-menu] button")
        .iter()
        .map(|b| {
            (
                b.text_content().unwrap_or_default(),
                b.get_attribute("aria-checked").unwrap_or_default(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_chip_with_a_sound_plays_it_once_per_match_and_is_marked_until_seen() {
    let (server, settings) = setup("alerts");
    say(&server, "ann", "hello");
    say(&server, "bob", "hi");
    let page = Page::mount(settings.clone());
    until("both", || page.ids().len() == 2).await;
    page.all("[data-testid=comment-username]")[0]
        .unchecked_ref::<HtmlElement>()
        .click();
    until("ann's chip", || !page.all(".filters .chip").is_empty()).await;
    let chip = || page.all(".filters .chip")[0].clone();

    fire(&chip(), "contextmenu");
    let items = menu_items(&page);
    let labels: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["Silent", "Delightful", "Gamer", "Hello", "Horn", "Subtle"]
    );
    assert_eq!(items[0].1, "true", "silent until chosen");
    let before = played();
    page.all("[data-testid=message-menu] button")[4]
        .unchecked_ref::<HtmlElement>()
        .click();
    assert_eq!(
        played(),
        before + 1,
        "choosing plays the sound once, as a preview"
    );
    until("the chip shows its bell", || {
        chip().text_content().unwrap_or_default().starts_with("🔔")
    })
    .await;
    fire(&chip(), "contextmenu");
    assert_eq!(menu_items(&page)[4], ("Horn".to_owned(), "true".to_owned()));
    page.one("[data-testid=comment-input]").click();

    // bob's comment is not ann's: nothing. ann's plays once and marks the chip.
    let heard = played();
    say(&server, "bob", "anyone?");
    sleep(300).await;
    assert_eq!(played(), heard);
    say(&server, "ann", "it's me");
    until("ann's new comment", || {
        page.texts().contains(&"it's me".to_owned())
    })
    .await;
    until("marked", || chip().class_list().contains("unread")).await;
    sleep(300).await;
    assert_eq!(played(), heard + 1, "once");

    fire(&chip(), "pointerover");
    until("seen", || !chip().class_list().contains("unread")).await;

    // Remembered: after a reload the same chip still sounds.
    drop(page);
    let page = Page::mount(settings);
    until("the bell is back", || {
        page.all(".filters .chip")
            .first()
            .is_some_and(|c| c.text_content().unwrap_or_default().starts_with("🔔"))
    })
    .await;
    sleep(200).await;
    assert_eq!(played(), heard + 1, "the first load sounds nothing");
    say(&server, "ann", "back again");
    until("sounds after the reload", || played() == heard + 2).await;
}
