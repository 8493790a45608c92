//! The page passes axe-core's WCAG 2 A and AA rules (axe-core from npm, in headless Chromium),
//! in the states a reader meets: the live stream (with an answer "in reply to"), a conversation
//! link's banner, a filter on, the message menu open.

use saywhatwant_e2e::page::{open, token, wait_shown};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

fn axe_source() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (scripts/ensure-tools.sh installs axe-core)"))
}

const RUN: &str = "const done = arguments[arguments.length - 1];
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))))
      .catch(e => done([{ id: 'axe-failed', help: String(e) }]));";

async fn violations(b: &Browser, axe: &str) -> Vec<Value> {
    let loaded = b
        .js(&format!("{axe}\n;return typeof axe;"), json!([]))
        .await;
    assert_eq!(loaded, "object", "axe-core did not load");
    b.js_async(RUN, json!([]))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

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
            "the menu open",
            "document.querySelector('[data-testid=comment] button[aria-haspopup=menu]')?.click();",
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
