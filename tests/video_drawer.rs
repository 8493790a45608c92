//! The video drawer in a real browser against the real worker (issue 17): closed and not
//! loaded at first; opened, it plays the local clips (`scripts/make-videos.sh`) at random, never
//! the same twice in a row, or one looped, under an overlay in the reader's colour at the chosen
//! opacity, blend and brightness, all remembered; "Share this video" puts the key into the
//! message box, and the posted comment's "▶ video" plays it, looped, in another browser. The
//! rules are unit-tested in the app (`model/video`).

use saywhatwant_e2e::page::{open, press, token, wait_shown, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use serde_json::{json, Value};

async fn js(b: &Browser, script: &str) -> Value {
    b.js(script, json!([])).await
}

async fn blur(b: &Browser) {
    js(b, "document.activeElement.blur();").await;
}

/// The drawer's own page, inside its frame (JavaScript that reads it starts with this).
const FRAME: &str =
    "const D = document.querySelector('[data-testid=video-frame]')?.contentDocument;";

/// The drawer's video: which one, whether it loops, and whether it has started playing.
async fn playing(b: &Browser) -> Value {
    js(
        b,
        &format!(
            "{FRAME} const v = D.querySelector('[data-testid=video]');
             return [v.getAttribute('data-key'), v.loop, v.currentTime > 0 && !v.paused];"
        ),
    )
    .await
}

async fn wait_playing(b: &Browser, key: Option<&str>) -> String {
    b.wait_for(
        "a video playing in the drawer",
        &format!(
            "{FRAME} const v = D?.querySelector('[data-testid=video]');
             return !!v && !!v.getAttribute('data-key') && v.currentTime > 0 && !v.paused
                 && (arguments[0] === null || v.getAttribute('data-key') === arguments[0]);"
        ),
        json!([key]),
        POLL_BOUND,
    )
    .await;
    playing(b).await[0].as_str().unwrap_or_default().to_owned()
}

/// Waits until the drawer plays something other than `key`.
async fn wait_other(b: &Browser, key: &str) {
    b.wait_for(
        "another video",
        &format!(
            "{FRAME} const v = D.querySelector('[data-testid=video]');
             return v.getAttribute('data-key') !== arguments[0] && v.currentTime > 0;"
        ),
        json!([key]),
        POLL_BOUND,
    )
    .await;
}

/// Clicks in the drawer's page.
async fn drawer_click(b: &Browser, css: &str) {
    let found = b
        .js(
            &format!(
                "{FRAME} const e = D.querySelector(arguments[0]); if (e) e.click(); return !!e;"
            ),
            json!([css]),
        )
        .await;
    assert_eq!(found, json!(true), "{css} is in the drawer");
}

/// Sets a settings field as a person would (its value, then the `input` event).
async fn set_field(b: &Browser, id: &str, value: &str) {
    b.js(
        &format!(
            "{FRAME} const f = D.getElementById(arguments[0]);
             if (f.type === 'checkbox') f.checked = arguments[1] === 'on'; else f.value = arguments[1];
             f.dispatchEvent(new Event('input', {{bubbles: true}}));"
        ),
        json!([id, value]),
    )
    .await;
}

#[tokio::test]
async fn the_video_drawer_plays_loops_overlays_and_shares_a_video_another_tab_plays() {
    let b = open().await;
    let drawer_hidden = "return document.querySelector('[data-testid=video-drawer]').hidden;";
    assert_eq!(js(&b, drawer_hidden).await, json!(true), "closed at first");
    let frames = "return document.querySelectorAll('[data-testid=video-frame]').length;";
    assert_eq!(
        js(&b, frames).await,
        json!(0),
        "nothing of it loaded before it opens"
    );
    press(&b, "[data-testid=video-toggle]").await;
    assert_eq!(js(&b, drawer_hidden).await, json!(false));
    let first = wait_playing(&b, None).await;
    assert!(
        ["dawn", "tide", "life"].contains(&first.as_str()),
        "{first}"
    );

    // Random, never the same twice in a row; then one looped.
    drawer_click(&b, "[data-v=next]").await;
    let second = wait_playing(&b, None).await;
    assert_ne!(second, first);
    drawer_click(&b, "[data-v=loop]").await;
    assert_eq!(playing(&b).await[1], json!(true));

    // The overlay: the reader's colour, at the chosen opacity, blend and brightness.
    drawer_click(&b, "[data-v=settings]").await;
    set_field(&b, "v-opacity", "80").await;
    set_field(&b, "v-blend", "3").await;
    set_field(&b, "v-brightness", "100").await;
    let look = js(
        &b,
        &format!(
            "{FRAME} const o = getComputedStyle(D.getElementById('video-overlay'));
             const v = getComputedStyle(D.querySelector('[data-testid=video]'));
             return [o.opacity, o.mixBlendMode, v.filter, o.backgroundColor, o.display,
                     document.documentElement.style.getPropertyValue('--me')];"
        ),
    )
    .await;
    assert_eq!(look[0], json!("0.8"));
    assert_eq!(look[1], json!("screen"));
    assert_eq!(look[2], json!("brightness(1)"));
    assert_eq!(look[3], look[5], "the overlay is the reader's colour");
    set_field(&b, "v-overlay", "off").await;
    let shown =
        format!("{FRAME} return getComputedStyle(D.getElementById('video-overlay')).display;");
    assert_eq!(js(&b, &shown).await, json!("none"));
    set_field(&b, "v-overlay", "on").await;

    // A new colour reaches the overlay too (the drawer follows localStorage).
    blur(&b).await;
    b.press_key('r').await;
    b.wait_for(
        "the overlay in the new colour",
        &format!(
            "{FRAME} return getComputedStyle(D.getElementById('video-overlay')).backgroundColor
                 === document.documentElement.style.getPropertyValue('--me');"
        ),
        json!([]),
        POLL_BOUND,
    )
    .await;

    // Remembered: open, looped, the same settings after a reload.
    b.refresh().await;
    wait_playing(&b, None).await;
    let kept = js(
        &b,
        &format!(
            "{FRAME} return [D.getElementById('v-opacity').value, D.getElementById('v-blend').value,
                     D.querySelector('[data-testid=video]').loop,
                     getComputedStyle(D.getElementById('video-overlay')).opacity];"
        ),
    )
    .await;
    assert_eq!(kept, json!(["80", "3", true, "0.8"]));

    // Share it: the key goes into the message box, and the posted comment plays it elsewhere.
    let key = playing(&b).await[0].as_str().unwrap_or_default().to_owned();
    drawer_click(&b, "[data-v=share]").await;
    let typed = b
        .wait_for(
            "the shared key in the message box",
            "return document.querySelector('[data-testid=comment-input]').value === arguments[0];",
            json!([format!("[video:{key}] ")]),
            POLL_BOUND,
        )
        .await;
    drop(typed);
    let note = token("watch this");
    saywhatwant_e2e::page::say(&b, "sharer", &note).await;
    let posted = format!("▶ video {note}");
    wait_shown(&b, &posted, true).await;

    let other = open().await;
    wait_shown(&other, &posted, true).await;
    assert_eq!(js(&other, drawer_hidden).await, json!(true));
    let pressed = other
        .js(
            "const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
                .find(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0]);
             const v = row.querySelector('[data-act=\"play-video\"]'); v.click(); return v.getAttribute('data-key');",
            json!([posted]),
        )
        .await;
    assert_eq!(pressed, json!(key));
    wait_playing(&other, Some(&key)).await;
    assert_eq!(
        playing(&other).await[1],
        json!(true),
        "a shared video loops"
    );
    // Another video, then the same comment's button again: that video again.
    drawer_click(&other, "[data-v=next]").await;
    wait_other(&other, &key).await;
    let again = other
        .js(
            "const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
                .find(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0]);
             row.querySelector('[data-act=\"play-video\"]').click(); return true;",
            json!([posted]),
        )
        .await;
    assert_eq!(again, json!(true));
    wait_playing(&other, Some(&key)).await;
    other.quit().await;

    // Closing (from inside the drawer) hides it and stops the video.
    drawer_click(&b, "[data-v=close]").await;
    b.wait_for("the drawer closed", drawer_hidden, json!([]), POLL_BOUND)
        .await;
    assert_eq!(
        js(
            &b,
            &format!("{FRAME} return D.querySelector('[data-testid=video]').paused;")
        )
        .await,
        json!(true)
    );
    b.quit().await;
}
