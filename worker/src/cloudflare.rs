//! The Workers runtime binding: turns a `worker::Request` into an [`api::Request`], runs it,
//! and finishes deferred work with `wait_until`. No logic lives here.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use worker::{event, Cache, Context, Date, Env, Headers, KvStore};

use crate::api::{self, Config, Ctx, Deferred};
use crate::edge::{EdgeCache, EdgeCachedKv};
use crate::kv::{Kv, KvError, ListKey, ListPage};
use crate::rate_limit::{RateLimiter, Unlimited};
use crate::recent;

const KV_BINDING: &str = "COMMENTS_KV";
const LIMITER_BINDING: &str = "POST_LIMITER";

struct WorkersKv(KvStore);

fn kv_error(e: impl std::fmt::Display) -> KvError {
    KvError(e.to_string())
}

impl Kv for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.0.get(key).text().await.map_err(kv_error)
    }

    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError> {
        let mut put = self.0.put(key, value).map_err(kv_error)?;
        if let Some(m) = metadata {
            put = put.metadata(m).map_err(kv_error)?;
        }
        put.execute().await.map_err(kv_error)
    }

    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError> {
        let mut list = self.0.list().prefix(prefix.to_owned()).limit(limit as u64);
        if let Some(c) = cursor {
            list = list.cursor(c.to_owned());
        }
        let page = list.execute().await.map_err(kv_error)?;
        Ok(ListPage {
            keys: page
                .keys
                .into_iter()
                .map(|k| ListKey {
                    name: k.name,
                    metadata: k.metadata,
                })
                .collect(),
            cursor: page.cursor.filter(|c| !c.is_empty()),
            complete: page.list_complete,
            as_of: None,
        })
    }
}

/// The Workers Cache API: one per location, shared by every isolate there.
struct WorkersEdgeCache {
    cache: Cache,
    /// Cache keys must be URLs; they live under the site's own origin.
    origin: String,
}

impl WorkersEdgeCache {
    fn url(&self, key: &str) -> String {
        format!("{}/__edge-cache/{key}", self.origin)
    }
}

impl EdgeCache for WorkersEdgeCache {
    async fn get(&self, key: &str) -> Option<String> {
        let mut hit = self.cache.get(self.url(key), false).await.ok()??;
        hit.text().await.ok()
    }

    async fn put(&self, key: &str, value: String) {
        let headers = Headers::new();
        // The reader checks the page's own age; this only lets the cache drop it soon after.
        if headers.set("Cache-Control", "public, max-age=5").is_err() {
            return;
        }
        if let Ok(response) = worker::Response::ok(value) {
            // A failed cache write only costs the next reader a KV list.
            let _ = self
                .cache
                .put(self.url(key), response.with_headers(headers))
                .await;
        }
    }
}

struct Binding(worker::RateLimiter);

impl RateLimiter for Binding {
    async fn allow(&self, key: &str) -> Result<bool, String> {
        self.0
            .limit(key.to_owned())
            .await
            .map(|o| o.success)
            .map_err(|e| e.to_string())
    }
}

/// When this isolate last started a background refresh of the recent view, so one busy
/// isolate writes it at most once per refresh period.
static LAST_REFRESH: AtomicU64 = AtomicU64::new(0);

fn claim_refresh(now: u64) -> bool {
    let last = LAST_REFRESH.load(Ordering::Relaxed);
    now.saturating_sub(last) >= recent::REFRESH_AFTER_MS
        && LAST_REFRESH
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

/// Ids for comments posted without one: 16 characters of A–Z, a–z, 0–9 (95 bits).
fn new_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // crypto.getRandomValues is always there in Workers; this only keeps ids coming.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[event(fetch)]
async fn fetch(
    mut req: worker::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<worker::Response> {
    let now = Date::now().as_millis();
    let config = Config {
        allowed_origin: var(&env, "ALLOWED_ORIGIN").unwrap_or_else(|| "*".into()),
        rate_limit: var(&env, "RATE_LIMIT_PER_MINUTE").as_deref().map(str::trim) != Some("0"),
    };
    let url = req.url()?;
    let headers = req.headers();
    let origin = headers.get("Origin")?;
    let client_ip = headers.get("CF-Connecting-IP")?;
    let content_length = headers.get("Content-Length")?.and_then(|v| v.parse().ok());
    let method = req.method().to_string();
    // Refuse an announced oversized body without reading it.
    let body = if matches!(method.as_str(), "POST" | "PATCH")
        && !content_length.is_some_and(api::too_large)
    {
        req.bytes().await?
    } else {
        Vec::new()
    };
    let request = api::Request {
        method: &method,
        path: url.path(),
        query: url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        origin: origin.as_deref(),
        client_ip: client_ip.as_deref(),
        content_length,
        body: &body,
    };
    let kv = WorkersKv(env.kv(KV_BINDING)?);
    let edge = WorkersEdgeCache {
        cache: Cache::default(),
        origin: url.origin().ascii_serialization(),
    };
    let shared = EdgeCachedKv {
        kv: &kv,
        cache: &edge,
        now,
    };
    let outcome = match env.rate_limiter(LIMITER_BINDING) {
        Ok(limiter) => {
            let ctx = Ctx {
                kv: &shared,
                limiter: &Binding(limiter),
                config: &config,
                now,
            };
            api::handle(&ctx, &request, new_id).await
        }
        // Without the binding (a misconfigured deployment) posting still works, unlimited.
        Err(_) => {
            let ctx = Ctx {
                kv: &shared,
                limiter: &Unlimited,
                config: &config,
                now,
            };
            api::handle(&ctx, &request, new_id).await
        }
    };
    match outcome.deferred {
        Some(Deferred::StoreRecent(view)) => {
            LAST_REFRESH.store(now, Ordering::Relaxed);
            ctx.wait_until(async move {
                if let Err(e) = recent::store(&kv, &view).await {
                    worker::console_warn!("storing the recent view: {e}");
                }
            });
        }
        Some(Deferred::RefreshRecent) if claim_refresh(now) => ctx.wait_until(async move {
            let result = async {
                let prev = recent::load(&kv).await?;
                let view = recent::rebuild(&kv, prev.as_ref(), now).await?;
                recent::store(&kv, &view).await
            };
            if let Err(e) = result.await {
                worker::console_warn!("refreshing the recent view: {e}");
            }
        }),
        _ => {}
    }
    let response = outcome.response;
    let out_headers = Headers::new();
    for (name, value) in &response.headers {
        out_headers.set(name, value)?;
    }
    Ok(worker::Response::from_bytes(response.body.into_bytes())?
        .with_status(response.status)
        .with_headers(out_headers))
}
