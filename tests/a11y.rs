//! The page passes axe-core's WCAG 2 A and AA rules (axe-core from npm, in headless Chromium),
//! in the states a reader meets: the live stream (with an answer "in reply to"), a conversation
//! link's banner, a filter on, a chip's alert menu, the message menu open, the colour grid
//! open with the domain filter on.

use saywhatwant_e2e::axe::{source as axe_source, violations};
use saywhatwant_e2e::page::{open, token, wait_shown};
use saywhatwant_e2e::Api;
use serde_json::json;

#[tokio::test]
async fn the_page_has_no_accessibility_violations() {
    let axe = axe_source();
    let api = Api::new();
    let human = token("an accessible comment with https://example.org/a-link");
    let asked = api
        .post(
            json!({"text": human, "username": "ally", "color": "200100050"}),
            "198.18.110.1",
        )
        .await;
    // An answer shown "in reply to ally", with a 32-character AI name.
    api.post_as_bot(
        json!({"text": token("a bot answers"), "username": "EchoBot-with-a-long-AI-name-0032",
                           "message-type": "AI", "replyTo": asked.id}),
    )
    .await;
    let b = open().await;
    wait_shown(&b, &human, true).await;
    // The states a reader meets: the stream, a filter on (a click on a name), the message
    // menu open on a row.
    let states = [
        ("the stream", ""),
        (
            "a conversation link",
            "location.hash = 'entity=e-a11y&ais=Fox%20Bot:255100000&nom=3';",
        ),
        (
            "a filter on",
            "Array.from(document.querySelectorAll('[data-testid=comment-username]'))
               .find(e => e.textContent === 'ally')?.click();",
        ),
        (
            "a chip's alert menu open",
            "document.querySelector('.filters .chip')?.dispatchEvent(
               new MouseEvent('contextmenu', {bubbles: true, cancelable: true}));",
        ),
        (
            "the menu open",
            "document.body.click();
             document.querySelector('[data-testid=comment] button[aria-haspopup=menu]')?.click();",
        ),
        (
            "the colour grid open, the domain filter on",
            "document.body.click();
             document.querySelector('[data-act=palette]').click();
             document.querySelector('[data-testid=domain-filter]').click();",
        ),
    ];
    let mut found = Vec::new();
    for (state, step) in states {
        b.js(step, json!([])).await;
        found.extend(violations(&b, &axe).await.into_iter().map(|v| (state, v)));
    }
    // The audit itself can fail: an image without a text alternative is caught.
    b.js(
        "const i = document.createElement('img'); i.src = 'data:,'; document.body.append(i);",
        json!([]),
    )
    .await;
    let planted = violations(&b, &axe).await;
    b.quit().await;
    assert!(found.is_empty(), "axe-core found: {found:#?}");
    assert!(
        planted.iter().any(|v| v["id"] == "image-alt"),
        "the planted violation was not reported: {planted:?}"
    );
}
