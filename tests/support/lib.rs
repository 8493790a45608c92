//! Helpers shared by the live suites. They talk to the worker `scripts/with-worker.sh` started
//! (its address is in `SWW_BASE_URL`); `make test` runs them that way.

pub mod axe;
pub mod openai_stub;
pub mod page;
pub mod socket;
pub mod webdriver;

use std::time::Duration;

use saywhatwant_wire::{Comment, CommentsPage};
use serde_json::Value;

pub fn base_url() -> String {
    std::env::var("SWW_BASE_URL").expect(
        "SWW_BASE_URL is not set: run these suites through `make test` (scripts/with-worker.sh)",
    )
}

/// The worker's runtime itself, behind wrangler's dev proxy when scripts/with-worker.sh found
/// it (`SWW_RUNTIME_URL`): the load benches send their thousands of sockets there, since the
/// proxy holds six descriptors a socket and a process here may have 20 000. Else the base URL.
pub fn runtime_url() -> String {
    std::env::var("SWW_RUNTIME_URL").unwrap_or_else(|_| base_url())
}

pub struct Api {
    pub base: String,
    /// The address this client's reads come from: one per client, so the suites' reads stay
    /// inside the per-network read limit (120 a minute) as real readers do.
    pub reader_ip: String,
    http: reqwest::Client,
    /// The worker's bot credential (`scripts/with-worker.sh` exports `BOT_TOKEN`).
    pub token: Option<String>,
}

/// The bot credential the worker under test was started with.
pub fn bot_token() -> String {
    std::env::var("BOT_TOKEN").expect(
        "BOT_TOKEN is not set: run these suites through `make test` (scripts/with-worker.sh)",
    )
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// The comment a POST stored (201) or found stored under its id (200).
fn stored(body: &Value, a: Answer) -> Comment {
    assert!(
        a.status == 201 || a.status == 200,
        "POST {body}: {} {}",
        a.status,
        a.body
    );
    serde_json::from_value(a.body).expect("a comment")
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
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + std::process::id() % 200 * 256;
        Api {
            reader_ip: format!("10.{}.{}.{}", 100 + n / 65536 % 100, n / 256 % 256, n % 256),
            base: base_url(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(64)
                // wrangler dev's local proxy closes a connection idle for 5 s (Node's
                // keep-alive default); reusing one it is closing fails as IncompleteMessage.
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .expect("an HTTP client"),
            token: std::env::var("BOT_TOKEN").ok(),
        }
    }

    /// Sends with the bot credential.
    pub async fn send_as_bot(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        ip: &str,
    ) -> Answer {
        self.try_send_with(method, path, body, ip, self.token.as_deref())
            .await
            .expect("the worker answers")
    }

    /// Sends a request with the operator credential (`ADMIN_TOKEN`, exported by
    /// `scripts/with-worker.sh`).
    pub async fn send_as_admin(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        ip: &str,
    ) -> Answer {
        self.try_send_as_admin(method, path, body, ip)
            .await
            .expect("the worker answers")
    }

    /// [`Api::send_as_admin`], with a failed request as a value.
    pub async fn try_send_as_admin(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        ip: &str,
    ) -> Result<Answer, reqwest::Error> {
        let admin = std::env::var("ADMIN_TOKEN").expect(
            "ADMIN_TOKEN is not set: run these suites through `make test` (scripts/with-worker.sh)",
        );
        self.try_send_with(method, path, body, ip, Some(&admin))
            .await
    }

    /// How many of the newest 1 000 stored comments (fresh) have exactly `text`.
    pub async fn stored_count(&self, text: &str) -> usize {
        self.page("/api/comments?limit=1000&fresh=true&order=desc")
            .await
            .comments
            .iter()
            .filter(|c| c.text == text)
            .count()
    }

    /// Posts as a bot (AI comments and `re-` ids need it) and returns the stored copy.
    pub async fn post_as_bot(&self, body: Value) -> Comment {
        let a = self
            .send_as_bot(
                "POST",
                "/api/comments",
                Some(body.to_string()),
                "198.18.250.1",
            )
            .await;
        stored(&body, a)
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
        self.try_send_with(method, path, body, ip, None).await
    }

    async fn try_send_with(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        ip: &str,
        token: Option<&str>,
    ) -> Result<Answer, reqwest::Error> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("CF-Connecting-IP", ip);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
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
        self.send("GET", path, None, &self.reader_ip).await
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
        stored(&body, a)
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

/// Waits, when needed, until at least `secs` are left in the rate limiters' current window.
/// wrangler dev's local limiter counts in fixed windows of its period, aligned to the clock
/// (`floor(now / 60 s)`), so a sequence that must meet the limit within one window cannot
/// straddle two.
pub async fn in_one_limit_window(secs: u64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let left = 60_000 - now % 60_000;
    if left < secs * 1_000 {
        tokio::time::sleep(Duration::from_millis(left + 100)).await;
    }
}

/// Which sections a bench runs: those named on its command line (`cargo bench … -- a b`), or
/// all when none is named (cargo's own `--bench` flag is not a name).
pub fn bench_sections() -> impl Fn(&str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    move |section| named.is_empty() || named.iter().any(|n| n == section)
}
