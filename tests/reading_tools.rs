//! The reading tools in a real browser against the real worker: a shared link, the search box,
//! the message menu (button, right-click, long-press, keyboard), the title menu and the counts.
//! The rules themselves are unit-tested in the app (`filter`, `hash`, `export`, `counts`).

use std::time::Duration;

use saywhatwant_e2e::page::{open, press, shown, token, wait_state, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::{base_url, Api};
use serde_json::json;

const IP: &str = "198.18.90.1";

async fn texts(b: &Browser) -> Vec<String> {
    shown(b)
        .await
        .iter()
        .filter_map(|r| r["text"].as_str().map(str::to_owned))
        .collect()
}

/// Waits until the texts on screen that contain `mark` are exactly `want` (in order).
async fn wait_texts(b: &Browser, mark: &str, want: &[&str]) {
    let script = "return Array.from(document.querySelectorAll('[data-testid=comment-text]'))
        .map(e => e.textContent).filter(t => t.includes(arguments[0]));";
    b.wait_for(
        &format!("exactly {want:?} on screen"),
        &format!(
            "const got = (() => {{ {script} }})(); return JSON.stringify(got) === arguments[1];"
        ),
        json!([mark, serde_json::to_string(want).unwrap_or_default()]),
        POLL_BOUND,
    )
    .await;
}

async fn hash(b: &Browser) -> String {
    b.js("return decodeURIComponent(location.hash);", json!([]))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn menu_items(b: &Browser) -> Vec<String> {
    let v = b
        .js(
            "const m = document.querySelector('[data-testid=message-menu]');
             return m.hidden ? null : Array.from(m.querySelectorAll('button')).map(e => e.textContent);",
            json!([]),
        )
        .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Clicks the menu item with this label.
async fn choose(b: &Browser, label: &str) {
    let clicked = b
        .js(
            "const i = Array.from(document.querySelectorAll('[data-testid=message-menu] button'))
                .find(e => e.textContent === arguments[0]); if (i) i.click(); return !!i;",
            json!([label]),
        )
        .await;
    assert_eq!(clicked, json!(true), "menu item {label:?}");
}

/// Fires `type` (a mouse or pointer event) at the middle of the row with this text.
async fn fire_at_row(b: &Browser, text: &str, js_event: &str) {
    let fired = b
        .js(
            &format!(
                "const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
                    .find(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0]);
                 if (!row) return false;
                 const t = row.querySelector('[data-testid=comment-text]');
                 const r = t.getBoundingClientRect();
                 const at = {{bubbles: true, cancelable: true, clientX: r.left + 4, clientY: r.top + 4}};
                 t.dispatchEvent({js_event});
                 return true;"
            ),
            json!([text]),
        )
        .await;
    assert_eq!(fired, json!(true), "row {text:?}");
}

#[tokio::test]
async fn a_shared_link_shows_the_same_view_and_back_and_forward_work() {
    let api = Api::new();
    let mark = token("link");
    let ann = format!("{mark} ann says hi");
    let bob = format!("{mark} bob says hi");
    let bot = format!("{mark} a bot answers");
    api.post(
        json!({"text": ann, "username": "ann", "color": "200100050"}),
        IP,
    )
    .await;
    api.post(
        json!({"text": bob, "username": "bob", "color": "050100200"}),
        IP,
    )
    .await;
    api.post_as_bot(
        json!({"text": bot, "username": "ann", "color": "200100050", "message-type": "AI"}),
    )
    .await;

    let b = Browser::start().await;
    b.goto(&format!(
        "{}/#u=ann:200100050&mt=human&uis=Me%20Too:000128255",
        base_url()
    ))
    .await;
    wait_state(&b, "live", POLL_BOUND).await;
    wait_texts(&b, &mark, &[&ann]).await;
    let name = b
        .js(
            "return document.querySelector('[data-testid=username-input]').value;",
            json!([]),
        )
        .await;
    assert_eq!(name, "Me Too", "uis= sets one's own name");
    assert_eq!(
        hash(&b).await,
        "#u=ann:200100050&mt=human",
        "uis is applied once and dropped"
    );

    // Both channels: the AI answer joins; the link follows, and back undoes it.
    press(&b, "[data-testid=channel-all]").await;
    wait_texts(&b, &mark, &[&ann, &bot]).await;
    assert_eq!(hash(&b).await, "#u=ann:200100050");
    b.js("history.back();", json!([])).await;
    wait_texts(&b, &mark, &[&ann]).await;
    b.js("history.forward();", json!([])).await;
    wait_texts(&b, &mark, &[&ann, &bot]).await;

    // Filters off: everything, the chips kept.
    press(&b, "[data-testid=filter-toggle]").await;
    wait_texts(&b, &mark, &[&ann, &bob, &bot]).await;
    assert_eq!(hash(&b).await, "#u=ann:200100050&filteractive=false");

    // A broken link opens the page with everything shown, and no crash.
    b.goto(&format!(
        "{}/#u=%ZZ&mt=robots&word=&filteractive=maybe",
        base_url()
    ))
    .await;
    wait_state(&b, "live", POLL_BOUND).await;
    wait_texts(&b, &mark, &[&ann, &bob, &bot]).await;
    b.quit().await;
}

#[tokio::test]
async fn search_narrows_the_stream_as_one_types_even_with_filters_off() {
    let api = Api::new();
    let mark = token("search");
    let cat = format!("{mark} the Cat sat");
    let dog = format!("{mark} a dog barked");
    let named = format!("{mark} no animals here");
    api.post(json!({"text": cat, "username": "zed"}), IP).await;
    api.post(json!({"text": dog, "username": "zed"}), IP).await;
    api.post(json!({"text": named, "username": "Catherine"}), IP)
        .await;
    let b = open().await;
    wait_texts(&b, &mark, &[&cat, &dog, &named]).await;

    // A user filter, switched off: the search below still applies (the rules in `filter`).
    b.js("Array.from(document.querySelectorAll('[data-testid=comment-username]')).find(e => e.textContent === 'zed').click();", json!([])).await;
    wait_texts(&b, &mark, &[&cat, &dog]).await;
    press(&b, "[data-testid=filter-toggle]").await;
    wait_texts(&b, &mark, &[&cat, &dog, &named]).await;

    let input = b.find("[data-testid=search-input]").await;
    b.type_into(&input, "CAT").await;
    // Text and username, whatever the case.
    wait_texts(&b, &mark, &[&cat, &named]).await;
    press(&b, "[data-testid=filter-toggle]").await;
    wait_texts(&b, &mark, &[&cat]).await;
    press(&b, "[data-testid=filter-toggle]").await;
    b.js("const i = document.querySelector('[data-testid=search-input]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true}));", json!([])).await;
    wait_texts(&b, &mark, &[&cat, &dog, &named]).await;
    b.quit().await;
}

#[tokio::test]
async fn the_message_menu_blocks_copies_and_saves() {
    let api = Api::new();
    let mark = token("menu");
    let spam = format!("{mark} buy spamword now");
    let fine = format!("{mark} a fine comment");
    let troll = format!("{mark} trolling");
    api.post(json!({"text": spam, "username": "seller"}), IP)
        .await;
    api.post(json!({"text": fine, "username": "friend"}), IP)
        .await;
    api.post(json!({"text": troll, "username": "troll"}), IP)
        .await;
    let b = open().await;
    wait_texts(&b, &mark, &[&spam, &fine, &troll]).await;
    b.cdp(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    )
    .await;

    // The keyboard-reachable button: the first item takes focus; arrows move; Escape closes.
    let button = row_button(&b, &spam).await;
    b.click(&button).await;
    let items = menu_items(&b).await;
    assert_eq!(
        items[..4],
        ["Copy text", "Save as .txt", "Only seller", "Block seller"]
    );
    assert!(items.contains(&"spamword".to_owned()), "{items:?}");
    assert_eq!(focused(&b).await, "Copy text");
    key(&b, "ArrowDown").await;
    assert_eq!(focused(&b).await, "Save as .txt");
    key(&b, "Escape").await;
    assert!(menu_items(&b).await.is_empty(), "Escape closes the menu");
    assert_eq!(
        b.js(
            "return document.activeElement.getAttribute('data-testid');",
            json!([])
        )
        .await,
        "message-menu-button",
        "focus goes back to the row's button"
    );

    // Copy text.
    b.click(&button).await;
    choose(&b, "Copy text").await;
    let copied = b
        .js("return navigator.clipboard.readText();", json!([]))
        .await;
    assert!(
        copied
            .as_str()
            .is_some_and(|c| c.ends_with(&format!(" seller: {spam}\n"))),
        "{copied}"
    );

    // Right-click: block a word.
    fire_at_row(&b, &spam, "new MouseEvent('contextmenu', at)").await;
    choose(&b, "spamword").await;
    wait_texts(&b, &mark, &[&fine, &troll]).await;
    assert!(hash(&b).await.contains("-word=spamword"));

    // Long-press on touch: block the user.
    fire_at_row(
        &b,
        &troll,
        "new PointerEvent('pointerdown', {...at, pointerType: 'touch'})",
    )
    .await;
    b.wait_for(
        "the menu after a long press",
        "return !document.querySelector('[data-testid=message-menu]').hidden;",
        json!([]),
        Duration::from_secs(3),
    )
    .await;
    choose(&b, "Block troll").await;
    wait_texts(&b, &mark, &[&fine]).await;
    let chips = b.js("return Array.from(document.querySelectorAll('.filters .chip.neg')).map(c => c.textContent);", json!([])).await;
    assert_eq!(chips, json!(["−troll ✕", "−spamword ✕"]));

    // The title's menu copies everything shown, one line each.
    press(&b, ".page-menu").await;
    choose(&b, "Copy all shown").await;
    let all = b
        .js("return navigator.clipboard.readText();", json!([]))
        .await;
    let all = all.as_str().unwrap_or_default();
    assert!(all.contains(&format!(" friend: {fine}\n")), "{all}");
    assert!(!all.contains(&spam) && !all.contains(&troll), "{all}");
    assert_eq!(all.lines().count(), texts(&b).await.len());

    // Save as .txt: a file in the download folder.
    let dir = std::env::temp_dir().join(token("sww-downloads"));
    std::fs::create_dir_all(&dir).expect("a download folder");
    b.cdp(
        "Page.setDownloadBehavior",
        json!({"behavior": "allow", "downloadPath": dir.to_string_lossy()}),
    )
    .await;
    let button = row_button(&b, &fine).await;
    b.click(&button).await;
    choose(&b, "Save as .txt").await;
    let saved = wait_file(&dir).await;
    assert!(
        saved.0.starts_with("saywhatwant-") && saved.0.ends_with(".txt"),
        "{}",
        saved.0
    );
    assert!(
        saved.1.ends_with(&format!(" friend: {fine}\n")),
        "{}",
        saved.1
    );
    let _ = std::fs::remove_dir_all(&dir);
    b.quit().await;
}

#[tokio::test]
async fn the_header_counts_comments_here_and_in_all_and_readers_online() {
    let api = Api::new();
    api.post(json!({"text": token("counted")}), IP).await;
    let b = open().await;
    let (label, _) = b
        .wait_for(
            "the counts, after the first write to IndexedDB and the live channel's first frames",
            "const t = document.querySelector('[data-testid=counts]').textContent;
             return /^[1-9][0-9\\u2009]* here · [0-9\\u2009]+ in all · [1-9][0-9\\u2009]* online$/.test(t) ? t : null;",
            json!([]),
            POLL_BOUND,
        )
        .await;
    let numbers: Vec<u64> = label
        .as_str()
        .unwrap_or_default()
        .split('·')
        .map(|part| {
            part.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0)
        })
        .collect();
    let total = api.get("/api/stats").await.body;
    let all = total["totalMessages"].as_u64().unwrap_or(0);
    // The stats view is rebuilt by reads every 10–30 s, so it may trail what this page holds.
    assert!(numbers[0] >= 1, "{label}");
    assert!(numbers[1] >= 1 && numbers[1] <= all, "{label} vs {total}");
    // This page is one of the pages open on the stream.
    assert!(numbers[2] >= 1, "{label}");
    b.quit().await;
}

async fn row_button(b: &Browser, text: &str) -> saywhatwant_e2e::webdriver::Element {
    let id = shown(b)
        .await
        .into_iter()
        .find(|r| r["text"] == text)
        .and_then(|r| r["id"].as_str().map(str::to_owned))
        .expect("the row");
    b.find(&format!(
        "[data-id=\"{id}\"] [data-testid=message-menu-button]"
    ))
    .await
}

async fn focused(b: &Browser) -> String {
    b.js("return document.activeElement.textContent;", json!([]))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn key(b: &Browser, key: &str) {
    b.js(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: arguments[0], bubbles: true}));",
        json!([key]),
    )
    .await;
}

/// The first finished download in `dir`: its name and text.
async fn wait_file(dir: &std::path::Path) -> (String, String) {
    for _ in 0..100 {
        let done = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".txt"));
        if let Some(e) = done {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            return (e.file_name().to_string_lossy().into_owned(), text);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no download in {}", dir.display());
}
