//! A small W3C WebDriver client (chromedriver) over HTTP: what the browser suites need and no
//! more. Each [`Browser`] is its own Chromium with a fresh profile.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

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
    http: reqwest::Client,
    session: String,
}

/// A W3C element reference.
#[derive(Clone, Debug)]
pub struct Element(pub String);

impl Element {
    /// The element as a script argument.
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    pub async fn start() -> Browser {
        let driver = std::env::var("SWW_WEBDRIVER_URL")
            .expect("SWW_WEBDRIVER_URL is not set: run the browser suites through `make test`");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": CHROME_ARGS},
        }}});
        let resp: Value = http
            .post(format!("{driver}/session"))
            .json(&caps)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("json");
        let session = resp["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {resp}"))
            .to_owned();
        Browser {
            http,
            session: format!("{driver}/session/{session}"),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("json");
        if v["value"]["error"].is_string() {
            panic!("webdriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    pub async fn refresh(&self) {
        self.call(reqwest::Method::POST, "/refresh", Some(json!({})))
            .await;
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Runs asynchronous JavaScript: the script calls its last argument with the result.
    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    pub async fn find(&self, css: &str) -> Element {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        Element(v[ELEMENT_KEY].as_str().expect("an element").to_owned())
    }

    /// Types as a person would (key events); `\u{E007}` is Enter.
    pub async fn type_into(&self, el: &Element, text: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/value", el.0),
            Some(json!({"text": text})),
        )
        .await;
    }

    pub async fn click(&self, el: &Element) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", el.0),
            Some(json!({})),
        )
        .await;
    }

    /// Cuts or restores the page's network (Chromium's network conditions).
    pub async fn set_offline(&self, offline: bool) {
        let conditions = json!({"network_conditions": {"offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1}});
        self.call(
            reqwest::Method::POST,
            "/chromium/network_conditions",
            Some(conditions),
        )
        .await;
    }

    /// A DevTools protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({"cmd": cmd, "params": params});
        self.call(reqwest::Method::POST, "/goog/cdp/execute", Some(body))
            .await
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
        let _ = self.http.delete(&self.session).send().await;
    }
}
