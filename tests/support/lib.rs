//! Helpers shared by the live suites. They talk to the worker `scripts/with-worker.sh` started
//! (its address is in `SWW_BASE_URL`); `make test` runs them that way.

pub mod page;
pub mod webdriver;

use std::time::Duration;

use saywhatwant_wire::{Comment, CommentsPage};
use serde_json::Value;

pub fn base_url() -> String {
    std::env::var("SWW_BASE_URL").expect(
        "SWW_BASE_URL is not set: run these suites through `make test` (scripts/with-worker.sh)",
    )
}

pub struct Api {
    pub base: String,
    http: reqwest::Client,
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> Option<&str> {
        self.body["code"].as_str()
    }
}

impl Default for Api {
    fn default() -> Self {
        Api::new()
    }
}

impl Api {
    pub fn new() -> Self {
        Api {
            base: base_url(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(64)
                .build()
                .expect("an HTTP client"),
        }
    }

    /// Sends a request as the client at `ip` (wrangler dev passes `CF-Connecting-IP` through;
    /// in production Cloudflare sets it and a client cannot).
    pub async fn send(&self, method: &str, path: &str, body: Option<String>, ip: &str) -> Answer {
        self.try_send(method, path, body, ip)
            .await
            .expect("the worker answers")
    }

    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        ip: &str,
    ) -> Result<Answer, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("CF-Connecting-IP", ip);
        if let Some(body) = body {
            req = req.header("Content-Type", "application/json").body(body);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None, "192.0.2.1").await
    }

    pub async fn page(&self, path: &str) -> CommentsPage {
        let a = self.get(path).await;
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        serde_json::from_value(a.body).expect("a comments page")
    }

    /// Posts a comment as client `ip` and returns the stored copy.
    pub async fn post(&self, body: Value, ip: &str) -> Comment {
        let a = self
            .send("POST", "/api/comments", Some(body.to_string()), ip)
            .await;
        assert!(
            a.status == 201 || a.status == 200,
            "POST {body}: {} {}",
            a.status,
            a.body
        );
        serde_json::from_value(a.body).expect("a comment")
    }

    /// The cursor of the present: a fresh poll from it returns only what comes next.
    pub async fn now_cursor(&self) -> String {
        self.page("/api/comments?limit=0&fresh=true")
            .await
            .cursor
            .expect("a cursor")
    }

    /// Follows the cursor from `start` until caught up, `limit` at a time.
    pub async fn drain(&self, start: &str, limit: usize, filter: &str) -> Vec<Comment> {
        let mut cursor = start.to_owned();
        let mut got = Vec::new();
        loop {
            let p = self
                .page(&format!(
                    "/api/comments?after={cursor}&limit={limit}&fresh=true{filter}"
                ))
                .await;
            assert!(p.comments.len() <= limit);
            got.extend(p.comments);
            cursor = p.cursor.expect("a cursor");
            if !p.has_more {
                return got;
            }
        }
    }
}

/// Fresh reads hold back the newest quarter second (worker/src/walk.rs) and may be served from a
/// list page up to half a second old (worker/src/edge.rs); wait both out.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(900)).await;
}
