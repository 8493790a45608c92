//! Routing and HTTP semantics, independent of the Workers runtime so that the whole API is
//! unit-tested natively. The Worker does all that needs no shared state here (parsing,
//! validation, credentials, limits) and asks the log object only to sequence, store and read.

pub mod auth;
pub mod channel;
mod comments;
pub mod error;
mod import;
mod moderation;
pub mod port;

use saywhatwant_wire::moderation::{ADMIN_ACTIONS_PATH, ADMIN_STATE_PATH, REPORT_SEGMENT};
use saywhatwant_wire::CommentsQuery;
use serde::Serialize;

use crate::kv::Kv;
use crate::rate_limit::{client_key, network_label, Bucket, RateLimiter};

pub use auth::Credential;
pub use comments::Poster;
pub use error::ApiError;
pub use port::{LocalLog, LogCallError, LogPort};

/// Seconds a limited client is told to wait: the limiters' period.
pub const RETRY_AFTER_SECS: u32 = 60;

pub struct Config {
    /// `Access-Control-Allow-Origin`.
    pub allowed_origin: String,
    pub rate_limit: bool,
    /// The bot credential (`BOT_TOKEN`); `None`: nobody may do what needs it.
    pub bot_token: Option<String>,
    /// The operator credential (`ADMIN_TOKEN`); `None`: the operator routes are closed.
    pub admin_token: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            allowed_origin: "*".into(),
            rate_limit: true,
            bot_token: None,
            admin_token: None,
        }
    }
}

/// A request body as the runtime layer read it: with the cap enforced while reading, so an
/// oversized body is never read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    Read(&'a [u8]),
    TooLarge,
}

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Percent-decoded query pairs.
    pub query: Vec<(String, String)>,
    pub origin: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub authorization: Option<&'a str>,
    /// `X-Operator`: who is acting, for the audit of operator actions.
    pub operator: Option<&'a str>,
    /// `Upgrade: websocket` was asked for.
    pub websocket: bool,
    pub body: Body<'a>,
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

/// What the runtime layer does with a request.
#[derive(Debug)]
pub enum Outcome {
    Respond(Response),
    /// Hand the socket to the log object, which sends what follows `query.after` and then
    /// every change (a validated `GET /api/comments/live`).
    Live(LiveRequest),
    /// Have the log object close every live socket (`POST /api/admin/sockets/close`, with the
    /// operator credential): every page resumes from its cursor, by polling, then a new socket.
    CloseSockets,
    /// The log object's own figures (`GET /api/admin/object`, with the operator credential):
    /// open sockets, the tail in memory, its Wasm memory.
    ObjectInfo,
    /// Something for one relay (`POST /api/admin/relays/{name}/{act}`, with the operator
    /// credential).
    Relay {
        name: String,
        act: RelayAct,
    },
}

/// What the operator can ask of one relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayAct {
    /// Close its sockets (they come back from their cursors).
    CloseSockets,
    /// Faults for the live tests, refused unless the relay runs with `FAULTS = "on"`: lose
    /// the relay's memory as an eviction does (its sockets stay)…
    Forget,
    /// …or drop the next round it is sent, as a failed delivery does.
    SkipRound,
}

impl RelayAct {
    pub fn path(self) -> &'static str {
        match self {
            RelayAct::CloseSockets => "close-sockets",
            RelayAct::Forget => "fault/forget",
            RelayAct::SkipRound => "fault/skip-round",
        }
    }
}

/// `relay-<region>-<n>` and an act of `/api/admin/relays/{name}/{act}`.
fn relay_target(path: &str) -> Option<(String, RelayAct)> {
    let (name, act) = path.strip_prefix(RELAYS_PATH)?.split_once('/')?;
    let mut parts = name.splitn(3, '-');
    let named = parts.next() == Some("relay")
        && parts
            .next()
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .next()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let act = match act {
        "close-sockets" => RelayAct::CloseSockets,
        "forget" => RelayAct::Forget,
        "skip-round" => RelayAct::SkipRound,
        _ => return None,
    };
    named.then(|| (name.to_owned(), act))
}

/// A socket for the log object to accept.
#[derive(Debug)]
pub struct LiveRequest {
    pub query: CommentsQuery,
    /// The network it is counted under (`client_key`); `None` for bots, which are exempt.
    pub network: Option<String>,
    /// Who the socket's posts come from (`channel.rs`), settled now from the upgrade's headers.
    pub poster: Poster,
}

pub struct Ctx<'a, L, K, R> {
    pub log: &'a L,
    /// Workers KV: the recent view, and the original layout for imports.
    pub kv: &'a K,
    pub limiter: &'a R,
    pub config: &'a Config,
}

impl<L, K, R> Ctx<'_, L, K, R> {
    fn credential(&self, req: &Request<'_>) -> Credential {
        auth::credential(
            req.authorization,
            self.config.bot_token.as_deref(),
            self.config.admin_token.as_deref(),
        )
    }

    /// The opaque label the request's network is stored and banned under.
    fn network(&self, req: &Request<'_>) -> String {
        let salt = self
            .config
            .admin_token
            .as_deref()
            .or(self.config.bot_token.as_deref())
            .unwrap_or("");
        network_label(&client_key(req.client_ip), salt)
    }
}

use saywhatwant_wire::live::LIVE_PATH;
const CLOSE_SOCKETS_PATH: &str = "/api/admin/sockets/close";
const OBJECT_INFO_PATH: &str = "/api/admin/object";
const RELAYS_PATH: &str = "/api/admin/relays/";

pub async fn handle<L: LogPort, K: Kv, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Outcome {
    let result = route(ctx, req).await;
    let mut response = match result {
        Ok(Outcome::Live(q)) => return Outcome::Live(q),
        Ok(o @ (Outcome::CloseSockets | Outcome::ObjectInfo | Outcome::Relay { .. })) => return o,
        Ok(Outcome::Respond(r)) => r,
        Err(e) => error_response(&e),
    };
    response.headers.extend(cors(ctx.config));
    Outcome::Respond(response)
}

pub fn error_response(e: &ApiError) -> Response {
    let mut r = json(e.status(), &e.body());
    r.headers.push(("Cache-Control", "no-store".into()));
    if let Some(secs) = e.retry_after() {
        r.headers.push(("Retry-After", secs.to_string()));
    }
    match e {
        ApiError::MethodNotAllowed { allow, .. } => r.headers.push(("Allow", (*allow).into())),
        ApiError::Unauthorized(_) => r
            .headers
            .push(("WWW-Authenticate", "Bearer realm=\"bots\"".into())),
        _ => {}
    }
    r
}

pub fn cors(config: &Config) -> [(&'static str, String); 4] {
    [
        ("Access-Control-Allow-Origin", config.allowed_origin.clone()),
        (
            "Access-Control-Allow-Methods",
            "GET, POST, PATCH, OPTIONS".into(),
        ),
        // The contract's list: bots send `Authorization` from servers, where CORS does not
        // apply, and a page never sends it.
        ("Access-Control-Allow-Headers", "Content-Type".into()),
        ("Access-Control-Max-Age", "86400".into()),
    ]
}

async fn route<L: LogPort, K: Kv, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Outcome, ApiError> {
    let path = req.path.trim_end_matches('/');
    let allow = match path {
        "/api/health" | "/api/stats" | LIVE_PATH | OBJECT_INFO_PATH => "GET, OPTIONS",
        "/api/comments" => "GET, POST, OPTIONS",
        "/api/admin/import" | CLOSE_SOCKETS_PATH | ADMIN_ACTIONS_PATH => "POST, OPTIONS",
        ADMIN_STATE_PATH => "GET, OPTIONS",
        p if report_target(p).is_some() || relay_target(p).is_some() => "POST, OPTIONS",
        p if p
            .strip_prefix("/api/comments/")
            .is_some_and(|id| !id.contains('/')) =>
        {
            "PATCH, OPTIONS"
        }
        _ if req.method == "OPTIONS" => return Ok(respond(empty(204))),
        _ => return Err(ApiError::NoRoute(req.path.to_owned())),
    };
    if req.method == "OPTIONS" {
        return Ok(respond(empty(204)));
    }
    if !allow.split(", ").any(|m| m == req.method) {
        return Err(ApiError::MethodNotAllowed {
            method: req.method.to_owned(),
            allow,
        });
    }
    let credential = ctx.credential(req);
    // Every wrong credential counts, whatever the route: past 5 a minute a network gets 429,
    // so the token cannot be guessed by trying (it is also compared in constant time).
    if credential == Credential::Wrong {
        limit(ctx, req, Bucket::WrongCredential).await?;
    }
    // The operator is exempt too: a moderator working a flood must not be slowed by it.
    let bot = matches!(credential, Credential::Bot | Credential::Admin);
    // Posts have their own, tighter limit (checked after validation); bots are exempt from
    // both, so a flood of visitors cannot silence them.
    if req.method != "POST" && path != "/api/health" && !bot {
        limit(ctx, req, Bucket::Read).await?;
    }
    match (req.method, path) {
        ("GET", "/api/health") => Ok(respond(json(200, &serde_json::json!({ "ok": true })))),
        ("GET", "/api/stats") => comments::stats(ctx).await.map(respond),
        ("GET", "/api/comments") => comments::get(ctx, req).await.map(respond),
        ("GET", LIVE_PATH) => comments::live(ctx.config, req).map(|query| {
            Outcome::Live(LiveRequest {
                query,
                network: (!bot).then(|| client_key(req.client_ip)),
                poster: Poster::of(ctx, req),
            })
        }),
        ("POST", "/api/comments") => comments::post(ctx, req).await.map(respond),
        ("POST", "/api/admin/import") => import::run(ctx, req).await.map(respond),
        ("POST", ADMIN_ACTIONS_PATH) => moderation::act(ctx, req).await.map(respond),
        ("GET", ADMIN_STATE_PATH) => moderation::state(ctx, req).await.map(respond),
        ("POST", CLOSE_SOCKETS_PATH) => {
            moderation::require_admin(credential).map(|()| Outcome::CloseSockets)
        }
        ("GET", OBJECT_INFO_PATH) => {
            moderation::require_admin(credential).map(|()| Outcome::ObjectInfo)
        }
        ("POST", p) if relay_target(p).is_some() => {
            moderation::require_admin(credential)?;
            relay_target(p)
                .map(|(name, act)| Outcome::Relay { name, act })
                .ok_or_else(|| ApiError::NoRoute(p.to_owned()))
        }
        ("POST", p) => {
            let id = report_target(p).unwrap_or_default();
            // A report is a write anyone can make: it spends the posting allowance.
            if !bot {
                limit(ctx, req, Bucket::Post).await?;
            }
            moderation::report(ctx, req, id, ctx.network(req))
                .await
                .map(respond)
        }
        ("PATCH", p) => comments::patch(ctx, req, &p["/api/comments/".len()..])
            .await
            .map(respond),
        (method, _) => Err(ApiError::MethodNotAllowed {
            method: method.to_owned(),
            allow,
        }),
    }
}

/// The comment id of `/api/comments/{id}/report`.
fn report_target(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/comments/")?;
    let (id, segment) = rest.split_once('/')?;
    (segment == REPORT_SEGMENT && !id.is_empty()).then_some(id)
}

/// Counts one request against the client network's allowance in `bucket`.
async fn limit<L, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
    bucket: Bucket,
) -> Result<(), ApiError> {
    limit_key(ctx, &client_key(req.client_ip), bucket).await
}

/// Counts one more thing against network `key`'s allowance in `bucket`.
async fn limit_key<L, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    key: &str,
    bucket: Bucket,
) -> Result<(), ApiError> {
    if !ctx.config.rate_limit {
        return Ok(());
    }
    match ctx.limiter.allow(bucket, key).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ApiError::RateLimited(RETRY_AFTER_SECS)),
        // A broken limiter fails open: the log and the bindings' own limits still protect
        // the service, while failing closed would stop every visitor at once.
        Err(_) => Ok(()),
    }
}

fn respond(r: Response) -> Outcome {
    Outcome::Respond(r)
}

pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
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
