//! The browser suites' handle on Chromium: chromedriver through fantoccini, with the few
//! things the suites need on top (scripts that return JSON, waiting for a condition,
//! chromedriver's network and DevTools commands). Each [`Browser`] is its own Chromium with a
//! fresh profile.

use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use http::Method;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use url::{ParseError, Url};

/// Chromium as root on these machines: no sandbox, and nothing that reaches for the network.
const CHROME_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1200,900",
];

pub struct Browser {
    client: Client,
}

/// An element of the page.
#[derive(Clone, Debug)]
pub struct Element(fantoccini::elements::Element);

impl Element {
    /// The element as a script argument.
    pub fn arg(&self) -> Value {
        serde_json::to_value(&self.0).expect("an element reference is JSON")
    }
}

/// A command of chromedriver's own, beyond the W3C set (network conditions, DevTools).
#[derive(Debug)]
struct Chromium {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Chromium {
    fn endpoint(&self, base: &Url, session: Option<&str>) -> Result<Url, ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(self.body.to_string()))
    }
}

/// What a failed command says, with what was asked.
fn ok<T>(what: &str, r: Result<T, CmdError>) -> T {
    r.unwrap_or_else(|e| panic!("webdriver {what}: {e}"))
}

impl Browser {
    pub async fn start() -> Browser {
        let driver = std::env::var("SWW_WEBDRIVER_URL")
            .expect("SWW_WEBDRIVER_URL is not set: run the browser suites through `make test`");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": "/usr/bin/chromium", "args": CHROME_ARGS}),
        );
        // chromedriver is on this machine: plain HTTP, no TLS.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver)
            .await
            .unwrap_or_else(|e| panic!("no session from chromedriver at {driver}: {e}"));
        Browser { client }
    }

    pub async fn goto(&self, url: &str) {
        ok("goto", self.client.goto(url).await);
    }

    pub async fn refresh(&self) {
        ok("refresh", self.client.refresh().await);
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        ok(script, self.client.execute(script, list(args)).await)
    }

    /// Runs asynchronous JavaScript: the script calls its last argument with the result.
    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        ok(script, self.client.execute_async(script, list(args)).await)
    }

    pub async fn find(&self, css: &str) -> Element {
        Element(ok(css, self.client.find(Locator::Css(css)).await))
    }

    /// Types as a person would (key events); `\u{E007}` is Enter.
    pub async fn type_into(&self, el: &Element, text: &str) {
        ok("send keys", el.0.send_keys(text).await);
    }

    /// Presses and releases one key wherever the focus is, as the keyboard would (trusted
    /// events); `\u{E004}` is Tab.
    pub async fn press_key(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        ok("key actions", self.client.perform_actions(keys).await);
    }

    pub async fn click(&self, el: &Element) {
        ok("click", el.0.click().await);
    }

    /// Cuts or restores the page's network (Chromium's network conditions).
    pub async fn set_offline(&self, offline: bool) {
        let body = json!({"network_conditions": {"offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1}});
        let cmd = Chromium {
            path: "chromium/network_conditions",
            body,
        };
        ok("network conditions", self.client.issue_cmd(cmd).await);
    }

    /// A DevTools protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({"cmd": cmd, "params": params});
        let call = Chromium {
            path: "goog/cdp/execute",
            body,
        };
        ok(cmd, self.client.issue_cmd(call).await)
    }

    /// Runs `source` in every new document before the page's own scripts.
    pub async fn before_each_page(&self, source: &str) {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": source}),
        )
        .await;
    }

    /// Polls `script` (which returns a value) until it is truthy; returns it and the time taken.
    pub async fn wait_for(
        &self,
        what: &str,
        script: &str,
        args: Value,
        timeout: Duration,
    ) -> (Value, Duration) {
        let started = Instant::now();
        loop {
            let v = self.js(script, args.clone()).await;
            let truthy = !(v.is_null()
                || v == json!(false)
                || v == json!(0)
                || v == json!("")
                || v == json!([]));
            if truthy {
                return (v, started.elapsed());
            }
            if started.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what} (last value {v})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn quit(self) {
        let _ = self.client.close().await;
    }
}

/// Script arguments: the suites pass a JSON array.
fn list(args: Value) -> Vec<Value> {
    match args {
        Value::Array(v) => v,
        Value::Null => Vec::new(),
        one => vec![one],
    }
}
