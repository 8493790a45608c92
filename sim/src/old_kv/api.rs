//! Routing and HTTP semantics, independent of the Workers runtime so that the whole API can be
//! unit-tested natively. `cloudflare.rs` only translates requests and responses.

use saywhatwant_wire::{parse_new_comment, parse_patch, CommentsQuery, Stats, MAX_BODY_BYTES};
use serde::Serialize;

use crate::comments::{self, Posted};
use crate::error::ApiError;
use crate::fresh;
use crate::kv::Kv;
use crate::rate_limit::{client_key, RateLimiter};
use crate::recent::{self, Age, RecentView};

/// Seconds a limited client is told to wait: the limiter's period.
pub const RETRY_AFTER_SECS: u32 = 60;

pub struct Config {
    /// `Access-Control-Allow-Origin`.
    pub allowed_origin: String,
    pub rate_limit: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            allowed_origin: "*".into(),
            rate_limit: true,
        }
    }
}

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Percent-decoded query pairs.
    pub query: Vec<(String, String)>,
    pub origin: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    /// `Content-Length`, when sent: a body announced too large is refused unread.
    pub content_length: Option<usize>,
    pub body: &'a [u8],
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Work to finish after the answer is sent (`ctx.wait_until` in production).
#[derive(Debug, PartialEq)]
pub enum Deferred {
    /// Store a view that was rebuilt to answer this request.
    StoreRecent(Box<RecentView>),
    /// The view is getting old: rebuild and store it.
    RefreshRecent,
}

pub struct Outcome {
    pub response: Response,
    pub deferred: Option<Deferred>,
}

pub struct Ctx<'a, K, R> {
    pub kv: &'a K,
    pub limiter: &'a R,
    pub config: &'a Config,
    pub now: u64,
}

/// Whether a body announced or read is over the cap.
pub fn too_large(len: usize) -> bool {
    len > MAX_BODY_BYTES
}

pub async fn handle<K: Kv, R: RateLimiter>(
    ctx: &Ctx<'_, K, R>,
    req: &Request<'_>,
    generated_id: impl FnOnce() -> String,
) -> Outcome {
    let (result, deferred) = route(ctx, req, generated_id).await;
    let mut response = match result {
        Ok(r) => r,
        Err(e) => {
            let mut r = json(e.status(), &e.body());
            r.headers.push(("Cache-Control", "no-store".into()));
            match &e {
                ApiError::RateLimited(secs) => r.headers.push(("Retry-After", secs.to_string())),
                ApiError::MethodNotAllowed { allow, .. } => {
                    r.headers.push(("Allow", (*allow).into()))
                }
                _ => {}
            }
            r
        }
    };
    response.headers.extend(cors(ctx.config));
    Outcome { response, deferred }
}

pub fn cors(config: &Config) -> [(&'static str, String); 4] {
    [
        ("Access-Control-Allow-Origin", config.allowed_origin.clone()),
        (
            "Access-Control-Allow-Methods",
            "GET, POST, PATCH, OPTIONS".into(),
        ),
        ("Access-Control-Allow-Headers", "Content-Type".into()),
        ("Access-Control-Max-Age", "86400".into()),
    ]
}

type Routed = (Result<Response, ApiError>, Option<Deferred>);

async fn route<K: Kv, R: RateLimiter>(
    ctx: &Ctx<'_, K, R>,
    req: &Request<'_>,
    generated_id: impl FnOnce() -> String,
) -> Routed {
    let path = req.path.trim_end_matches('/');
    let allow = match path {
        "/api/health" => "GET, OPTIONS",
        "/api/stats" => "GET, OPTIONS",
        "/api/comments" => "GET, POST, OPTIONS",
        p if p
            .strip_prefix("/api/comments/")
            .is_some_and(|id| !id.contains('/')) =>
        {
            "PATCH, OPTIONS"
        }
        _ if req.method == "OPTIONS" => return (Ok(empty(204)), None),
        _ => return (Err(ApiError::NoRoute(req.path.to_owned())), None),
    };
    // Refused before anything reads the body; the Workers layer does not read one announced
    // too large, so this is the one place that answers it.
    if req.content_length.is_some_and(too_large) || too_large(req.body.len()) {
        return (Err(ApiError::TooLarge), None);
    }
    match (req.method, path) {
        ("OPTIONS", _) => (Ok(empty(204)), None),
        ("GET", "/api/health") => (Ok(json(200, &serde_json::json!({ "ok": true }))), None),
        ("GET", "/api/stats") => stats(ctx).await,
        ("GET", "/api/comments") => get_comments(ctx, req).await,
        ("POST", "/api/comments") => (post_comment(ctx, req, generated_id).await, None),
        ("PATCH", p) if allow.starts_with("PATCH") => {
            let id = &p["/api/comments/".len()..];
            (patch_comment(ctx, id, req.body).await, None)
        }
        (method, _) => (
            Err(ApiError::MethodNotAllowed {
                method: method.to_owned(),
                allow,
            }),
            None,
        ),
    }
}

async fn get_comments<K: Kv, R>(ctx: &Ctx<'_, K, R>, req: &Request<'_>) -> Routed {
    let q = match CommentsQuery::from_pairs(req.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        Ok(q) => q,
        Err(e) => return (Err(e.into()), None),
    };
    let mut deferred = None;
    if !q.fresh {
        let (view, d) = match current_view(ctx).await {
            Ok(v) => v,
            Err(e) => return (Err(e), None),
        };
        if let Some(page) = view.answer(&q) {
            let mut r = json(200, &page);
            r.headers
                .push(("Cache-Control", "public, max-age=5".into()));
            return (Ok(r), d);
        }
        // The view cannot answer this one, but a view just rebuilt is still worth storing.
        deferred = d;
    }
    let result = fresh::read(ctx.kv, &q, ctx.now).await.map(|page| {
        let mut r = json(200, &page);
        r.headers.push(("Cache-Control", "no-store".into()));
        r
    });
    (result.map_err(ApiError::from), deferred)
}

/// The recent view, rebuilt first when it is missing or too old; plus the write to defer.
async fn current_view<K: Kv, R>(
    ctx: &Ctx<'_, K, R>,
) -> Result<(RecentView, Option<Deferred>), ApiError> {
    match recent::load(ctx.kv).await? {
        Some(view) if !matches!(view.age(ctx.now), Age::Expired) => {
            let refresh =
                matches!(view.age(ctx.now), Age::Stale).then_some(Deferred::RefreshRecent);
            Ok((view, refresh))
        }
        prev => {
            let view = recent::rebuild(ctx.kv, prev.as_ref(), ctx.now).await?;
            Ok((view.clone(), Some(Deferred::StoreRecent(Box::new(view)))))
        }
    }
}

async fn stats<K: Kv, R>(ctx: &Ctx<'_, K, R>) -> Routed {
    match current_view(ctx).await {
        Ok((view, deferred)) => (
            Ok(json(
                200,
                &Stats {
                    total_messages: view.total,
                },
            )),
            deferred,
        ),
        Err(e) => (Err(e), None),
    }
}

async fn post_comment<K: Kv, R: RateLimiter>(
    ctx: &Ctx<'_, K, R>,
    req: &Request<'_>,
    generated_id: impl FnOnce() -> String,
) -> Result<Response, ApiError> {
    let new = parse_new_comment(req.body)?;
    // Checked after validation so a malformed post does not use up the sender's allowance.
    if ctx.config.rate_limit {
        match ctx.limiter.allow(&client_key(req.client_ip)).await {
            Ok(true) => {}
            Ok(false) => return Err(ApiError::RateLimited(RETRY_AFTER_SECS)),
            // A broken limiter must not stop everyone from posting.
            Err(_) => {}
        }
    }
    let domain = req.origin.and_then(origin_host).unwrap_or("unknown");
    Ok(
        match comments::post(ctx.kv, new, generated_id, ctx.now, domain).await? {
            Posted::Created(c) => json(201, &c),
            Posted::Existing(c) => json(200, &c),
        },
    )
}

async fn patch_comment<K: Kv, R>(
    ctx: &Ctx<'_, K, R>,
    id: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    if !saywhatwant_wire::is_valid_id(id) {
        return Err(ApiError::BadId);
    }
    let patch = parse_patch(body)?;
    match comments::patch(ctx.kv, id, patch).await? {
        Some(c) => Ok(json(200, &c)),
        None => Err(ApiError::CommentNotFound(id.to_owned())),
    }
}

/// `https://example.org:8443` → `example.org`.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin.split_once("://")?.1;
    let host = rest.split(['/', ':']).next()?;
    (!host.is_empty()).then_some(host)
}

fn json<T: Serialize>(status: u16, body: &T) -> Response {
    Response {
        status,
        headers: vec![("Content-Type", "application/json; charset=utf-8".into())],
        body: serde_json::to_string(body).unwrap_or_else(|_| "{}".into()),
    }
}

fn empty(status: u16) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: String::new(),
    }
}
