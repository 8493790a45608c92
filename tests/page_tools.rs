//! The page's own tools in a real browser against the real worker (issue 17): the message box
//! focused on arrival, Tab and `r`, the page tinted in the reader's colour, the colour grid,
//! the domain filter behind the title, and filter alerts (a sound chosen on a chip plays once
//! per match and marks the chip until it is looked at); the video drawer is `video_drawer.rs`.
//! The rules are unit-tested in the app (`model/alerts`, `model/color::swatches`, `filter` for
//! the domain, `config::site_title`).

use std::time::Duration;

use saywhatwant_e2e::page::{open, press, token, wait_shown, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

const IP: &str = "198.18.92.1";
const TAB: char = '\u{E004}';
const ESCAPE: char = '\u{E00C}';

async fn js(b: &Browser, script: &str) -> Value {
    b.js(script, json!([])).await
}

async fn focused(b: &Browser) -> Value {
    js(
        b,
        "const a = document.activeElement; return a.id || a.getAttribute('data-act') || a.tagName;",
    )
    .await
}

/// The tint the page is drawn in, and the colour it remembers.
async fn tint(b: &Browser) -> (String, String) {
    let v = js(
        b,
        "return [document.documentElement.style.getPropertyValue('--me'),
                 localStorage.getItem('sww.color')];",
    )
    .await;
    let s = |i: usize| v[i].as_str().unwrap_or_default().to_owned();
    (s(0), s(1))
}

async fn blur(b: &Browser) {
    js(b, "document.activeElement.blur();").await;
}

async fn swatches(b: &Browser) -> Vec<String> {
    let v = js(
        b,
        "return Array.from(document.querySelectorAll('#palette [data-act=swatch]'))
            .map(s => s.getAttribute('data-colour'));",
    )
    .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test]
async fn keys_focus_tint_and_the_colour_grid() {
    let b = open().await;
    assert_eq!(
        focused(&b).await,
        json!("comment-input"),
        "the message box is ready on arrival"
    );
    let (first, saved) = tint(&b).await;
    assert!(
        first.starts_with("rgb(") && saved.len() == 9,
        "{first} / {saved}"
    );

    // From the page itself, Tab goes to the message box; `r` there is typed, not a colour.
    blur(&b).await;
    b.press_key(TAB).await;
    assert_eq!(focused(&b).await, json!("comment-input"));
    b.press_key('r').await;
    assert_eq!(tint(&b).await.0, first, "typing r in the box is text");
    let typed = js(&b, "return document.activeElement.value;").await;
    assert_eq!(typed, json!("r"));
    js(&b, "const t = document.activeElement; t.value = ''; t.dispatchEvent(new Event('input', {bubbles: true}));").await;

    // Outside the fields, `r` picks a random colour: the page, and the memory, follow.
    blur(&b).await;
    let mut changed = false;
    for _ in 0..3 {
        b.press_key('r').await;
        let (now, saved) = tint(&b).await;
        changed |= now != first;
        assert!(now.starts_with("rgb("), "{now}");
        assert_eq!(saved.len(), 9, "{saved}");
    }
    assert!(changed, "three random colours are not all the first");

    // The grid: twelve different swatches, fresh each time; Escape closes it and gives the
    // focus back to its button.
    press(&b, "[data-act=palette]").await;
    let one = swatches(&b).await;
    let open_state = js(&b, "return [document.getElementById('palette').hidden, document.querySelector('[data-act=palette]').getAttribute('aria-expanded')];").await;
    assert_eq!(open_state, json!([false, "true"]));
    assert_eq!(one.len(), 12);
    let mut distinct = one.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 12, "{one:?}");
    b.press_key(ESCAPE).await;
    assert_eq!(
        js(&b, "return document.getElementById('palette').hidden;").await,
        json!(true)
    );
    assert_eq!(focused(&b).await, json!("palette"));

    b.press_key('\u{E007}').await; // Enter on the focused colour button opens it again
    let two = swatches(&b).await;
    assert_ne!(one, two, "a fresh grid each opening");
    let pick = two[5].clone();
    press(&b, &format!("#palette [data-colour='{pick}']")).await;
    assert_eq!(tint(&b).await.1, pick, "the swatch is the reader's colour");
    let part = |i: usize| pick[i..i + 3].parse::<u8>().unwrap_or_default();
    assert_eq!(
        js(&b, "return getComputedStyle(document.querySelector('[data-act=palette]')).backgroundColor;").await,
        json!(format!("rgb({}, {}, {})", part(0), part(3), part(6))),
        "the colour button is filled with it"
    );
    assert_eq!(
        js(&b, "return document.getElementById('palette').hidden;").await,
        json!(true)
    );

    // A click elsewhere closes the grid too.
    press(&b, "[data-act=palette]").await;
    press(&b, "[data-testid=comments]").await;
    assert_eq!(
        js(&b, "return document.getElementById('palette').hidden;").await,
        json!(true)
    );

    // The next post carries the picked colour.
    let text = token("tinted");
    saywhatwant_e2e::page::say(&b, "painter", &text).await;
    wait_shown(&b, &text, true).await;
    let colour = b
        .js(
            "const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
                .find(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0]);
             return row.querySelector('[data-testid=comment-username]').getAttribute('data-color');",
            json!([text]),
        )
        .await;
    assert_eq!(colour, json!(pick));
    b.quit().await;
}

#[tokio::test]
async fn the_title_switches_the_domain_filter_and_remembers_it() {
    let api = Api::new();
    let mark = token("domain");
    let here_host = js_host().await;
    let here = format!("{mark} from here");
    let there = format!("{mark} from elsewhere");
    api.post(
        json!({"text": here, "username": "local", "domain": here_host}),
        IP,
    )
    .await;
    api.post(
        json!({"text": there, "username": "far", "domain": "shittosay.app"}),
        IP,
    )
    .await;

    let b = open().await;
    wait_shown(&b, &there, true).await;
    wait_shown(&b, &here, true).await;
    assert_eq!(
        js(&b, "return document.title;").await,
        json!("Say What Want")
    );
    let pressed = "return document.querySelector('[data-testid=domain-filter]').getAttribute('aria-pressed');";
    assert_eq!(js(&b, pressed).await, json!("false"), "off until asked");

    press(&b, "[data-testid=domain-filter]").await;
    assert_eq!(js(&b, pressed).await, json!("true"));
    wait_gone(&b, &there).await;
    wait_shown(&b, &here, true).await;

    // Remembered: a reload still shows this site's comments only.
    b.refresh().await;
    wait_shown(&b, &here, true).await;
    assert_eq!(js(&b, pressed).await, json!("true"));
    assert_eq!(saywhatwant_e2e::page::count(&b, &there).await, 0);

    press(&b, "[data-testid=domain-filter]").await;
    wait_shown(&b, &there, true).await;
    assert_eq!(js(&b, pressed).await, json!("false"));
    b.quit().await;
}

/// The host name the page is served from, as the server stamps it on the page's posts.
async fn js_host() -> String {
    let base = saywhatwant_e2e::base_url();
    let rest = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
    rest.split([':', '/']).next().unwrap_or_default().to_owned()
}

async fn wait_gone(b: &Browser, text: &str) {
    b.wait_for(
        &format!("{text:?} hidden"),
        "return !Array.from(document.querySelectorAll('[data-testid=comment-text]'))
            .some(e => e.textContent === arguments[0]);",
        json!([text]),
        POLL_BOUND,
    )
    .await;
}

async fn played(b: &Browser) -> u64 {
    js(
        b,
        "return Number(document.querySelector('[data-testid=alert-status]').getAttribute('data-played'));",
    )
    .await
    .as_u64()
    .unwrap_or(u64::MAX)
}

/// The first chip of the filter bar: its alert, and whether it is marked.
async fn chip(b: &Browser) -> Value {
    js(
        b,
        "const c = document.querySelector('.filters .chip');
         return c && [c.getAttribute('data-alert'), c.classList.contains('unread')];",
    )
    .await
}

#[tokio::test]
async fn a_chip_alert_plays_once_per_match_and_marks_the_chip() {
    let api = Api::new();
    let mark = token("alert");
    let friend = format!("al{}", &mark[mark.len() - 6..]);
    let first = format!("{mark} first");
    api.post(
        json!({"text": first, "username": friend, "color": "200100050"}),
        IP,
    )
    .await;

    let b = open().await;
    wait_shown(&b, &first, true).await;
    // Filter by the friend (a click on their name), then open the chip's menu as the
    // context-menu key would, and choose a sound.
    let clicked = b
        .js(
            "const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
                .find(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0]);
             row.querySelector('[data-testid=comment-username]').click(); return true;",
            json!([first]),
        )
        .await;
    assert_eq!(clicked, json!(true));
    assert_eq!(chip(&b).await, json!(["Silent", false]));
    js(&b, "document.querySelector('.filters .chip').dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, cancelable: true}));").await;
    let items = js(
        &b,
        "const m = document.querySelector('[data-testid=message-menu]');
         return m.hidden ? null : Array.from(m.querySelectorAll('[role=menuitemradio]'))
            .map(e => e.textContent + (e.getAttribute('aria-checked') === 'true' ? '*' : ''));",
    )
    .await;
    assert_eq!(
        items,
        json!(["Silent*", "Delightful", "Gamer", "Hello", "Horn", "Subtle"])
    );
    b.js(
        "Array.from(document.querySelectorAll('[data-testid=message-menu] button'))
            .find(e => e.textContent === 'Hello').click();",
        json!([]),
    )
    .await;
    assert_eq!(chip(&b).await, json!(["Hello", false]));
    assert_eq!(
        played(&b).await,
        0,
        "choosing previews the sound, it is no alert"
    );

    // Someone else says something: no alert. The friend does: one sound, one mark.
    let other = format!("{mark} other");
    api.post(json!({"text": other, "username": "stranger"}), IP)
        .await;
    let again = format!("{mark} again");
    api.post(
        json!({"text": again, "username": friend, "color": "200100050"}),
        IP,
    )
    .await;
    wait_shown(&b, &again, true).await;
    b.wait_for(
        "one alert",
        "return document.querySelector('[data-testid=alert-status]').getAttribute('data-played') === '1';",
        json!([]),
        POLL_BOUND,
    )
    .await;
    let said = js(
        &b,
        "return document.querySelector('[data-testid=alert-status]').textContent;",
    )
    .await;
    assert_eq!(said, json!(format!("New comment for {friend}")));
    assert_eq!(chip(&b).await, json!(["Hello", true]));
    // Nothing more arrives: no second sound for the same comment.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(played(&b).await, 1);

    // Looking at the chip clears its mark; the alert is remembered across a reload.
    js(&b, "document.querySelector('.filters .chip').dispatchEvent(new PointerEvent('pointerover', {bubbles: true}));").await;
    assert_eq!(chip(&b).await, json!(["Hello", false]));
    b.refresh().await;
    wait_shown(&b, &again, true).await;
    assert_eq!(chip(&b).await, json!(["Hello", false]));
    assert_eq!(
        played(&b).await,
        0,
        "the first load's comments are the past"
    );
    b.quit().await;
}
