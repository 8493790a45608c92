//! The page's own tools: the colour grid, the `r` key, the tint, the domain switch, the keys
//! that lead to the message box.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

use super::{setup, until, Page};

fn key_on(target: &web_sys::EventTarget, key: &str) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
    ev.default_prevented()
}

fn active_testid() -> String {
    document()
        .active_element()
        .and_then(|e| e.get_attribute("data-testid"))
        .unwrap_or_default()
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn colour(page: &Page) -> String {
    page.one("[data-testid=color-input]")
        .unchecked_into::<HtmlInputElement>()
        .value()
}

/// The page's `--accent` (the tint), as set on the app's element.
fn tint(page: &Page) -> String {
    page.one(".app")
        .style()
        .get_property_value("--accent")
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_grid_offers_twelve_shuffled_colours_and_the_pick_tints_the_page() {
    let (_server, settings) = setup("grid");
    let page = Page::mount(settings.clone());
    until("a colour", || colour(&page) != "#000000").await;
    let before = (colour(&page), tint(&page));
    assert!(
        before.1.starts_with("rgb("),
        "tinted from the start: {before:?}"
    );
    let grid = page.one("[data-testid=color-grid]");
    assert!(grid.hidden());
    let opener = page.one("[data-testid=color-button]");
    opener.click();
    assert!(!grid.hidden());
    assert_eq!(
        opener.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let swatches = page.all("[data-testid=color-grid] button");
    assert_eq!(swatches.len(), 12);
    let first: Vec<_> = swatches
        .iter()
        .map(|s| s.get_attribute("data-color"))
        .collect();
    assert_eq!(
        document()
            .active_element()
            .map(|e| e.get_attribute("data-color")),
        Some(first[0].clone()),
        "the first swatch takes focus"
    );
    // The ninth swatch: the composer, the tint and the next visit all take it.
    let pick = first[8].clone().unwrap();
    swatches[8].unchecked_ref::<HtmlElement>().click();
    assert!(grid.hidden(), "a pick closes the grid");
    assert_eq!(
        active_testid(),
        "color-button",
        "focus goes back to the swatch"
    );
    let hex = crate::color::Rgb::from_wire(&pick).unwrap().to_hex();
    until("the pick is the colour", || colour(&page) == hex).await;
    assert_ne!(tint(&page), before.1, "the page is tinted anew");

    // Opened again: other swatches; Escape and a click elsewhere close it.
    opener.click();
    let again: Vec<_> = page
        .all("[data-testid=color-grid] button")
        .iter()
        .map(|s| s.get_attribute("data-color"))
        .collect();
    assert_ne!(again, first, "freshly shuffled");
    assert!(key_on(&document().active_element().unwrap(), "Escape"));
    assert!(grid.hidden());
    opener.click();
    page.one("[data-testid=counts]").click();
    assert!(grid.hidden(), "a click outside closes it");

    drop(page);
    let page = Page::mount(settings);
    until("remembered", || colour(&page) == hex).await;
}

#[wasm_bindgen_test]
async fn r_picks_a_random_colour_except_while_typing() {
    let (_server, settings) = setup("rkey");
    let page = Page::mount(settings);
    until("a colour", || colour(&page) != "#000000").await;
    // The message box has focus on load; the reader clicks away from it.
    page.one("[data-testid=comment-input]").blur().unwrap();
    let body: web_sys::EventTarget = document().body().unwrap().into();
    let mut seen = vec![colour(&page)];
    for _ in 0..3 {
        assert!(key_on(&body, "r"));
        until("a new colour", || !seen.contains(&colour(&page))).await;
        seen.push(colour(&page));
    }
    let now = colour(&page);
    for typing in ["[data-testid=comment-input]", ".search"] {
        let input = page.one(typing);
        input.focus().unwrap();
        assert!(!key_on(&input, "r"), "an r typed in {typing} is a letter");
    }
    super::sleep(50).await;
    assert_eq!(colour(&page), now);
}

#[wasm_bindgen_test]
async fn the_message_box_has_focus_on_load_and_tab_from_nowhere_goes_back_to_it() {
    let (_server, settings) = setup("focus");
    let page = Page::mount(settings);
    until("focused on load", || active_testid() == "comment-input").await;
    page.one("[data-testid=comment-input]").blur().unwrap();
    assert_eq!(
        document().active_element(),
        document().body().map(Into::into)
    );
    assert!(key_on(&document().body().unwrap(), "Tab"));
    assert_eq!(active_testid(), "comment-input");
    // From a control, Tab moves on as usual.
    let chip = page.one("[data-testid=channel-human]");
    chip.focus().unwrap();
    assert!(!key_on(&chip, "Tab"));
}

#[wasm_bindgen_test]
async fn the_title_shows_only_this_sites_comments_and_remembers_it() {
    let (server, settings) = setup("domain");
    let here = crate::browser::host();
    for (text, domain) in [("from here", here.as_str()), ("from afar", "other.example")] {
        let mut s = server.borrow_mut();
        s.add(text);
        s.comments.last_mut().unwrap().domain = domain.into();
    }
    let page = Page::mount(settings.clone());
    until("both", || page.ids().len() == 2).await;
    let title = page.one("[data-testid=domain-filter]");
    assert_eq!(
        title.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert!(title
        .text_content()
        .unwrap_or_default()
        .contains("Say What Want"));
    title.click();
    until("only this site", || page.texts() == ["from here"]).await;
    assert_eq!(title.get_attribute("aria-pressed").as_deref(), Some("true"));

    drop(page);
    let page = Page::mount(settings);
    until("still only this site", || page.texts() == ["from here"]).await;
    page.one("[data-testid=domain-filter]").click();
    until("every site again", || page.ids().len() == 2).await;
}
