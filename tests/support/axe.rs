//! axe-core (from npm) run in a page: WCAG 2 A and AA violations.

use serde_json::{json, Value};

use crate::webdriver::Browser;

pub fn source() -> String {
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

pub async fn violations(b: &Browser, axe: &str) -> Vec<Value> {
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
