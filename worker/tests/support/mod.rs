//! A harness that drives `api::handle` natively: the log over the metering in-memory store
//! (what the object would run), the in-memory KV, and a counting rate limiter.
// Each test binary uses a different part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;

use futures::executor::block_on;
use saywhatwant_api::api::{self, Body, Config, Ctx, LocalLog, Outcome, Poster, Response};
use saywhatwant_api::log::{Log, LogStore, MemoryStore, Usage};
use saywhatwant_api::memory_kv::MemoryKv;
use saywhatwant_api::rate_limit::{Bucket, RateLimiter};
use saywhatwant_api::recent::{self, RecentView};
use saywhatwant_wire::live::Ack;
use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery};
use serde_json::Value;

pub const T0: u64 = 1_761_239_864_515;
pub const TOKEN: &str = "bot-secret-for-tests";
pub const BOT: &str = "Bearer bot-secret-for-tests";
pub const ADMIN_TOKEN: &str = "admin-secret-for-tests";
pub const ADMIN: &str = "Bearer admin-secret-for-tests";

/// Allows `per_key` calls per (bucket, key), like the bindings within one period.
pub struct CountingLimiter {
    pub posts: usize,
    pub reads: usize,
    seen: RefCell<HashMap<(Bucket, String), usize>>,
    pub broken: std::cell::Cell<bool>,
}

impl RateLimiter for CountingLimiter {
    async fn allow(&self, bucket: Bucket, key: &str) -> Result<bool, String> {
        if self.broken.get() {
            return Err("the limiter is down (test)".into());
        }
        let mut seen = self.seen.borrow_mut();
        let n = seen.entry((bucket, key.to_owned())).or_default();
        *n += 1;
        // The wrong-credential allowance is wrangler.toml's: 5 a minute.
        Ok(*n
            <= match bucket {
                Bucket::Post => self.posts,
                Bucket::Read => self.reads,
                Bucket::WrongCredential => 5,
            })
    }
}

pub struct Harness {
    pub log: LocalLog<MemoryStore>,
    pub kv: MemoryKv,
    pub limiter: CountingLimiter,
    pub config: Config,
}

/// One request as a client sends it.
pub struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub body: &'a str,
    pub ip: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub authorization: Option<&'a str>,
    pub operator: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub websocket: bool,
    pub too_large: bool,
}

impl<'a> Req<'a> {
    pub fn new(method: &'a str, path: &'a str, body: &'a str) -> Self {
        Req {
            method,
            path,
            body,
            ip: Some("203.0.113.7"),
            content_type: Some("application/json"),
            authorization: None,
            operator: None,
            origin: Some("https://saywhatwant.app"),
            websocket: false,
            too_large: false,
        }
    }

    pub fn bot(mut self) -> Self {
        self.authorization = Some(BOT);
        self
    }

    pub fn admin(mut self) -> Self {
        self.authorization = Some(ADMIN);
        self
    }

    pub fn from(mut self, ip: &'a str) -> Self {
        self.ip = Some(ip);
        self
    }
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::over(Log::open(MemoryStore::new()).expect("open"))
    }

    pub fn over(log: Log<MemoryStore>) -> Self {
        Harness {
            log: LocalLog::new(log, T0),
            kv: MemoryKv::new(),
            limiter: CountingLimiter {
                posts: 10,
                reads: 120,
                seen: RefCell::default(),
                broken: std::cell::Cell::new(false),
            },
            config: Config {
                allowed_origin: "*".into(),
                rate_limit: false,
                bot_token: Some(TOKEN.into()),
                admin_token: Some(ADMIN_TOKEN.into()),
            },
        }
    }

    /// A log holding `n` comments, one per millisecond ending 10 s before now.
    pub fn with_history(n: u64) -> Self {
        let h = Harness::new();
        {
            let mut log = h.log.log.borrow_mut();
            let start = T0 - 10_000 - n;
            for i in 0..n {
                let new = saywhatwant_wire::parse_new_comment(
                    format!(r#"{{"id":"seed{i}","text":"seeded comment {i}","username":"seed"}}"#)
                        .as_bytes(),
                )
                .expect("valid");
                log.append(new, String::new, "example.org", start + i)
                    .expect("append");
            }
        }
        h
    }

    pub fn advance(&self, ms: u64) {
        self.log.now.set(self.log.now.get() + ms);
    }

    /// What the object's alarm does: rewrite the KV recent view from the log.
    pub fn refresh_view(&self) {
        let view =
            RecentView::build(&mut self.log.log.borrow_mut(), self.log.now.get()).expect("build");
        block_on(recent::store(&self.kv, &view)).expect("store");
    }

    pub fn send(&self, r: Req<'_>) -> Outcome {
        let (path, query) = r.path.split_once('?').unwrap_or((r.path, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.replace("%20", " "))
            })
            .collect();
        let req = api::Request {
            method: r.method,
            path,
            query,
            origin: r.origin,
            client_ip: r.ip,
            content_type: r.content_type,
            authorization: r.authorization,
            operator: r.operator,
            websocket: r.websocket,
            body: if r.too_large {
                Body::TooLarge
            } else {
                Body::Read(r.body.as_bytes())
            },
        };
        let ctx = Ctx {
            log: &self.log,
            kv: &self.kv,
            limiter: &self.limiter,
            config: &self.config,
        };
        block_on(api::handle(&ctx, &req))
    }

    pub fn call(&self, r: Req<'_>) -> Response {
        match self.send(r) {
            Outcome::Respond(r) => r,
            other => panic!("handed to the object, not an answer: {other:?}"),
        }
    }

    pub fn request(&self, method: &str, path: &str, body: &str) -> Response {
        self.call(Req::new(method, path, body))
    }

    /// Runs a request and returns the object requests and storage rows it cost.
    pub fn cost_of(&self, r: Req<'_>) -> (Response, u64, Usage) {
        let before = (
            self.log.requests.get(),
            self.log.log.borrow().store().usage(),
        );
        let resp = self.call(r);
        let after = (
            self.log.requests.get(),
            self.log.log.borrow().store().usage(),
        );
        (resp, after.0 - before.0, after.1 - before.1)
    }

    pub fn page(&self, path: &str) -> CommentsPage {
        let r = self.request("GET", path, "");
        assert_eq!(r.status, 200, "{path}: {}", r.body);
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

    pub fn live(&self, path: &str) -> Result<CommentsQuery, Response> {
        self.live_from(path, Some("https://saywhatwant.app"))
    }

    /// A socket asked for by a page of `origin` (`None`: a bot or a tool, which send none).
    pub fn live_from(&self, path: &str, origin: Option<&str>) -> Result<CommentsQuery, Response> {
        let mut r = Req::new("GET", path, "");
        r.websocket = true;
        r.origin = origin;
        match self.send(r) {
            Outcome::Live(live) => Ok(live.query),
            Outcome::Respond(r) => Err(r),
            other => panic!("not a socket: {other:?}"),
        }
    }
}

impl Harness {
    /// Who a socket opened by `r` (made an upgrade) posts as: what the Worker hands its relay.
    pub fn socket_of(&self, mut r: Req<'_>) -> Poster {
        r.websocket = true;
        match self.send(r) {
            Outcome::Live(live) => live.poster,
            other => panic!("not a socket: {other:?}"),
        }
    }

    /// One message on that socket, answered as its relay answers it.
    pub fn on_socket(&self, poster: &Poster, message: &str) -> Ack {
        let ctx = Ctx {
            log: &self.log,
            kv: &self.kv,
            limiter: &self.limiter,
            config: &self.config,
        };
        block_on(api::channel::post(&ctx, poster, message.as_bytes()))
    }
}

pub fn json(r: &Response) -> Value {
    serde_json::from_str(&r.body).unwrap_or(Value::Null)
}
