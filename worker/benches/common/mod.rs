//! What both benchmarks share: a typical comment, seeding a store, and one request through the
//! worker's real handler with deferred view writes applied as `wait_until` would.

use std::time::{Duration, Instant};

use futures::executor::block_on;
use saywhatwant_api::api::{self, Config, Ctx, Deferred, Request};
use saywhatwant_api::keys::comment_key;
use saywhatwant_api::kv::Kv;
use saywhatwant_api::memory_kv::MemoryKv;
use saywhatwant_api::rate_limit::Unlimited;
use saywhatwant_api::{recent, records};
use saywhatwant_wire::{Comment, MessageType};

pub const NOW: u64 = 1_800_000_000_000;

pub fn comment(ts: u64, id: String) -> Comment {
    Comment {
        id,
        text: "a typical comment of a few words".into(),
        timestamp: ts,
        username: Some("someone".into()),
        color: Some("200120080".into()),
        domain: "saywhatwant.app".into(),
        language: "en".into(),
        message_type: MessageType::Human,
        misc: String::new(),
        context: None,
        bot_params: None,
    }
}

/// Stores a comment the way POST would (key, metadata, id index) without counting operations.
pub fn seed(kv: &MemoryKv, c: &Comment) {
    let (value, metadata) = records::encode(c).expect("encodable");
    kv.seed(comment_key(c.timestamp, &c.id), value, metadata);
    kv.seed(
        format!("id:{}", c.id),
        comment_key(c.timestamp, &c.id),
        None,
    );
}

/// `n` comments `c0…`, one per millisecond, the newest a minute before [`NOW`].
pub fn seeded(n: u64) -> MemoryKv {
    let kv = MemoryKv::new();
    for i in 0..n {
        seed(&kv, &comment(NOW - 60_000 - n + i, format!("c{i}")));
    }
    kv
}

pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The handler's own time (deferred work excluded).
    pub elapsed: Duration,
    deferred: Option<Deferred>,
}

impl Answer {
    /// Finishes the request's deferred work, as `wait_until` would after the answer.
    pub fn finish<K: Kv>(self, kv: &K) -> (u16, String) {
        if let Some(Deferred::StoreRecent(view)) = &self.deferred {
            block_on(recent::store(kv, view)).expect("store view");
        }
        (self.status, self.body)
    }
}

/// One request through `api::handle`.
pub fn call<K: Kv>(
    kv: &K,
    method: &str,
    path: &str,
    query: &[(&str, String)],
    body: &str,
    now: u64,
    id: String,
) -> Answer {
    let config = Config {
        allowed_origin: "*".into(),
        rate_limit: false,
    };
    let ctx = Ctx {
        kv,
        limiter: &Unlimited,
        config: &config,
        now,
    };
    let req = Request {
        method,
        path,
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        origin: None,
        client_ip: Some("192.0.2.1"),
        content_length: Some(body.len()),
        body: body.as_bytes(),
    };
    let started = Instant::now();
    let outcome = block_on(api::handle(&ctx, &req, move || id));
    let elapsed = started.elapsed();
    Answer {
        status: outcome.response.status,
        body: outcome.response.body,
        elapsed,
        deferred: outcome.deferred,
    }
}
