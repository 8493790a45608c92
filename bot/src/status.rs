//! What the bot is doing, for people running it: a status line in the log once a minute and,
//! with `--status-addr`, `GET /status` as JSON (queue, per-entity counts, last errors, the
//! config file's state).
//!
//! The endpoint is a few lines on tokio's listener rather than a web framework: it answers
//! one GET with one JSON document and nothing else.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LAST_ERRORS: usize = 10;
const IGNORED_REMEMBERED: usize = 10_000;
const LOG_EVERY_SECS: u64 = 60;

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub answered: u64,
    /// Stayed silent (`[SKIP]`).
    pub silent: u64,
    pub failed: u64,
    /// Times a comment had to wait for the entity's rate limit.
    pub rate_limited: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LastError {
    pub entity: String,
    pub comment: String,
    pub error: String,
    /// Seconds since the epoch.
    pub at: u64,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    /// Taken in the last round.
    queue: usize,
    /// Waiting for a retry or a rate limit.
    waiting: usize,
    entities: BTreeMap<String, Counts>,
    /// Comments asking for an entity this bot does not serve (unknown or disabled).
    ignored: u64,
    last_errors: VecDeque<LastError>,
    config: Option<String>,
    config_entities: usize,
    config_loaded_at: Option<u64>,
    config_error: Option<String>,
    #[serde(skip)]
    ignored_ids: HashSet<String>,
    #[serde(skip)]
    logged: Option<Instant>,
}

/// Shared with the status endpoint; cheap to clone.
#[derive(Debug, Default, Clone)]
pub struct Status(Arc<Mutex<Data>>);

fn secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Status {
    fn data(&self) -> MutexGuard<'_, Data> {
        // A panic elsewhere while holding the lock leaves counters, nothing worth dying for.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn count(&self, entity: &str, f: impl FnOnce(&mut Counts)) {
        f(self.data().entities.entry(entity.to_owned()).or_default());
    }

    pub fn answered(&self, entity: &str) {
        self.count(entity, |c| c.answered += 1);
    }

    pub fn silent(&self, entity: &str) {
        self.count(entity, |c| c.silent += 1);
    }

    pub fn waiting(&self, entity: &str) {
        self.count(entity, |c| c.rate_limited += 1);
    }

    pub fn failed(&self, entity: &str, comment: &str, error: &str) {
        self.count(entity, |c| c.failed += 1);
        let mut d = self.data();
        d.last_errors.push_back(LastError {
            entity: entity.to_owned(),
            comment: comment.to_owned(),
            error: error.to_owned(),
            at: secs(),
        });
        while d.last_errors.len() > LAST_ERRORS {
            d.last_errors.pop_front();
        }
    }

    /// Counts a comment nobody here serves; `true` the first time (so it is logged once).
    pub fn ignore(&self, comment: &str) -> bool {
        let mut d = self.data();
        if d.ignored_ids.len() >= IGNORED_REMEMBERED {
            d.ignored_ids.clear();
        }
        let first = d.ignored_ids.insert(comment.to_owned());
        if first {
            d.ignored += 1;
        }
        first
    }

    pub fn set_queue(&self, queue: usize, waiting: usize) {
        let mut d = self.data();
        d.queue = queue;
        d.waiting = waiting;
    }

    pub fn config_loaded(&self, path: &Path, entities: usize) {
        let mut d = self.data();
        d.config = Some(path.display().to_string());
        d.config_entities = entities;
        d.config_loaded_at = Some(secs());
        d.config_error = None;
    }

    pub fn config_failed(&self, error: String) {
        self.data().config_error = Some(error);
    }

    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::to_value(&*self.data()).unwrap_or_default()
    }

    /// One line for the log, at most once a minute.
    pub fn maybe_log(&self, me: &str) {
        let line = {
            let mut d = self.data();
            if d.logged
                .is_some_and(|t| t.elapsed().as_secs() < LOG_EVERY_SECS)
            {
                return;
            }
            d.logged = Some(Instant::now());
            let per: Vec<String> = d
                .entities
                .iter()
                .map(|(id, c)| {
                    format!(
                        "{id} {}/{}/{}/{}",
                        c.answered, c.silent, c.failed, c.rate_limited
                    )
                })
                .collect();
            format!(
                "{me} status: waiting {}, ignored {}, answered/silent/failed/limited: {}{}",
                d.waiting,
                d.ignored,
                if per.is_empty() {
                    "none yet".into()
                } else {
                    per.join(", ")
                },
                d.config_error
                    .as_ref()
                    .map(|e| format!("; config error: {e}"))
                    .unwrap_or_default()
            )
        };
        eprintln!("{line}");
    }

    /// [`Status::serve`] for a spawned task.
    pub async fn serve_owned(self, addr: String) -> std::io::Result<()> {
        self.serve(&addr).await
    }

    /// Serves `GET /status` on `addr` until the process ends.
    pub async fn serve(self, addr: &str) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        loop {
            let (mut conn, _) = listener.accept().await?;
            let status = self.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let n = conn.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let (code, body) = if head.starts_with("GET /status ") {
                    ("200 OK", status.snapshot().to_string())
                } else {
                    (
                        "404 Not Found",
                        r#"{"error":"only GET /status is here","code":"not_found"}"#.to_owned(),
                    )
                };
                let answer = format!(
                    // Any origin may read it: the operator page shows it from the site's origin.
                    "HTTP/1.1 {code}\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = conn.write_all(answer.as_bytes()).await;
            });
        }
    }
}
