//! A real OpenAI-compatible HTTP server for the suites, on 127.0.0.1: `POST
//! /v1/chat/completions` records each request body and answers with what the test's closure
//! says, in the shape the bot (and any OpenAI client) reads. Not a mock of the bot's code: the
//! bot talks to it over TCP exactly as to llama.cpp's server.
//!
//! ```ignore
//! let model = StubModel::start(|req| Reply::text(format!("echo {}", last_user(req)))).await;
//! // point a bot at model.url() ("http://127.0.0.1:<port>/v1"), then:
//! let asked = model.requests();
//! ```

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the stub answers one request with.
pub struct Reply {
    pub content: String,
    /// Waits this long first (a slow model).
    pub delay: Duration,
}

impl Reply {
    pub fn text(content: impl Into<String>) -> Self {
        Reply {
            content: content.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Answer = dyn Fn(&Value) -> Reply + Send + Sync;

pub struct StubModel {
    port: u16,
    requests: Arc<Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

/// The user message of a chat request: the conversation the bot sent.
pub fn last_user(req: &Value) -> String {
    req["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_owned()
}

impl StubModel {
    pub async fn start(answer: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> StubModel {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("an address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, seen.clone(), answer.clone()));
            }
        });
        StubModel {
            port,
            requests,
            task,
        }
    }

    /// The API root to give the bot (`--openai-url`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Every request body received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for StubModel {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut conn: TcpStream, seen: Arc<Mutex<Vec<Value>>>, answer: Arc<Answer>) {
    // One request per connection is enough for reqwest's pool; read head, then the body.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let Ok(n) = conn.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (i + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let Ok(n) = conn.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let request: Value =
        serde_json::from_slice(&buf[head_end..head_end + length]).unwrap_or_default();
    if let Ok(mut r) = seen.lock() {
        r.push(request.clone());
    }
    let reply = answer(&request);
    tokio::time::sleep(reply.delay).await;
    let body = json!({
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "model": request["model"],
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": reply.content}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })
    .to_string();
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(answer.as_bytes()).await;
}
