//! A harness that drives `api::handle` over the metering in-memory KV.
// Each test binary uses a different part of it.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use futures::executor::block_on;
use saywhatwant_api::api::{self, Config, Ctx, Deferred, Request, Response};
use saywhatwant_api::edge::{EdgeCachedKv, MemoryEdgeCache};
use saywhatwant_api::keys::comment_key;
use saywhatwant_api::memory_kv::{MemoryKv, OpCounts};
use saywhatwant_api::rate_limit::RateLimiter;
use saywhatwant_api::{recent, records};
use saywhatwant_wire::{Comment, CommentsPage, MessageType};
use serde_json::Value;

/// Allows `per_key` calls per key, like the binding within one period.
pub struct CountingLimiter {
    pub per_key: usize,
    seen: RefCell<HashMap<String, usize>>,
}

impl RateLimiter for CountingLimiter {
    async fn allow(&self, key: &str) -> Result<bool, String> {
        let mut seen = self.seen.borrow_mut();
        let n = seen.entry(key.to_owned()).or_default();
        *n += 1;
        Ok(*n <= self.per_key)
    }
}

pub struct Harness {
    pub kv: MemoryKv,
    pub limiter: CountingLimiter,
    pub config: Config,
    pub now: Cell<u64>,
    /// When set, requests go through the per-location list cache, as in production.
    pub edge: Option<MemoryEdgeCache>,
    next_id: Cell<u64>,
}

pub const T0: u64 = 1_761_239_864_515;

pub fn comment(ts: u64, id: &str, text: &str) -> Comment {
    Comment {
        id: id.into(),
        text: text.into(),
        timestamp: ts,
        username: Some("seed".into()),
        color: Some("128200255".into()),
        domain: "example.org".into(),
        language: "en".into(),
        message_type: MessageType::Human,
        misc: String::new(),
        context: None,
        bot_params: None,
    }
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        Harness {
            kv: MemoryKv::new(),
            limiter: CountingLimiter {
                per_key: 10,
                seen: RefCell::default(),
            },
            config: Config {
                allowed_origin: "*".into(),
                rate_limit: false,
            },
            now: Cell::new(T0),
            edge: None,
            next_id: Cell::new(0),
        }
    }

    /// A store holding `n` comments, one per millisecond ending 10 s before now.
    pub fn with_history(n: u64) -> Self {
        let h = Harness::new();
        h.seed(n);
        h
    }

    pub fn seed(&self, n: u64) {
        let start = self.now.get() - 10_000 - n;
        for i in 0..n {
            let c = comment(
                start + i,
                &format!("seed{i}"),
                &format!("seeded comment {i}"),
            );
            let (value, metadata) = records::encode(&c).expect("encodable");
            self.kv
                .seed(comment_key(c.timestamp, &c.id), value, metadata);
            self.kv.seed(
                format!("id:{}", c.id),
                comment_key(c.timestamp, &c.id),
                None,
            );
        }
    }

    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    pub fn request(&self, method: &str, path_and_query: &str, body: &str) -> Response {
        self.request_from(method, path_and_query, body, Some("203.0.113.7"))
    }

    pub fn request_from(
        &self,
        method: &str,
        path_and_query: &str,
        body: &str,
        ip: Option<&str>,
    ) -> Response {
        self.call(method, path_and_query, body, ip, true).0
    }

    /// Runs a request and returns the KV operations it alone cost (deferred work excluded).
    pub fn ops_of(&self, method: &str, path_and_query: &str, body: &str) -> (Response, OpCounts) {
        self.call(method, path_and_query, body, Some("203.0.113.9"), false)
    }

    fn call(
        &self,
        method: &str,
        path_and_query: &str,
        body: &str,
        ip: Option<&str>,
        deferred: bool,
    ) -> (Response, OpCounts) {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let req = Request {
            method,
            path,
            query,
            origin: Some("https://saywhatwant.app"),
            client_ip: ip,
            content_length: Some(body.len()),
            body: body.as_bytes(),
        };
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.kv.reset_ops();
        let now = self.now.get();
        let outcome = match &self.edge {
            Some(cache) => {
                let shared = EdgeCachedKv {
                    kv: &self.kv,
                    cache,
                    now,
                };
                let ctx = Ctx {
                    kv: &shared,
                    limiter: &self.limiter,
                    config: &self.config,
                    now,
                };
                block_on(api::handle(&ctx, &req, || format!("gen{id}")))
            }
            None => {
                let ctx = Ctx {
                    kv: &self.kv,
                    limiter: &self.limiter,
                    config: &self.config,
                    now,
                };
                block_on(api::handle(&ctx, &req, || format!("gen{id}")))
            }
        };
        let ops = self.kv.ops();
        if deferred {
            // Deferred work runs as wait_until would run it, after the answer.
            match outcome.deferred {
                Some(Deferred::StoreRecent(view)) => {
                    block_on(recent::store(&self.kv, &view)).expect("store view")
                }
                Some(Deferred::RefreshRecent) => {
                    let prev = block_on(recent::load(&self.kv)).expect("load");
                    let view = block_on(recent::rebuild(&self.kv, prev.as_ref(), self.now.get()))
                        .expect("rebuild");
                    block_on(recent::store(&self.kv, &view)).expect("store");
                }
                None => {}
            }
        }
        (outcome.response, ops)
    }

    pub fn page(&self, path_and_query: &str) -> CommentsPage {
        let r = self.request("GET", path_and_query, "");
        assert_eq!(r.status, 200, "{path_and_query}: {}", r.body);
        serde_json::from_str(&r.body).expect("a comments page")
    }

    pub fn post(&self, body: &str) -> Comment {
        let r = self.request("POST", "/api/comments", body);
        assert!(
            r.status == 201 || r.status == 200,
            "{}: {}",
            r.status,
            r.body
        );
        serde_json::from_str(&r.body).expect("a comment")
    }
}

pub fn json(r: &Response) -> Value {
    serde_json::from_str(&r.body).unwrap_or(Value::Null)
}
