//! The Workers runtime binding: turns a `worker::Request` into an [`api::Request`], runs it,
//! and reaches the log object for what needs it. No logic lives here.

mod archive;
mod hibernation;
mod ids;
mod kv;
mod object;
mod registry;
mod relay;
mod sql;

use std::cell::RefCell;

use futures::StreamExt;
use saywhatwant_wire::{ErrorBody, MAX_BODY_BYTES};
use worker::{event, Context, Env, Headers, Method, RequestInit, Stub};

use crate::api::{self, Body, Config, Ctx, LogCallError, LogPort, Outcome};
use crate::log::command::{Command, Reply};
use crate::rate_limit::{Bucket, RateLimiter, Unlimited};
use crate::relay::route;

const KV_BINDING: &str = "COMMENTS_KV";
const LOG_BINDING: &str = "COMMENT_LOG";
/// The one log object of the stream.
const LOG_NAME: &str = "stream";
const RELAY_BINDING: &str = "RELAY";

/// One request to relay `name` (`path`: `round` with a body, `info`, `close-sockets`), its
/// JSON answer.
async fn call_relay(
    env: &Env,
    name: &str,
    path: &str,
    body: Option<String>,
) -> worker::Result<serde_json::Value> {
    relay_response(env, name, path, body).await?.json().await
}

async fn relay_response(
    env: &Env,
    name: &str,
    path: &str,
    body: Option<String>,
) -> worker::Result<worker::Response> {
    let stub = env
        .durable_object(RELAY_BINDING)?
        .id_from_name(name)?
        .get_stub()?;
    let headers = Headers::new();
    headers.set(relay::RELAY_HEADER, name)?;
    let mut init = RequestInit::new();
    init.with_method(if body.is_some() {
        Method::Post
    } else {
        Method::Get
    })
    .with_headers(headers)
    .with_body(body.map(Into::into));
    let req = worker::Request::new_with_init(&format!("https://relay/{path}"), &init)?;
    stub.fetch_with_request(req).await
}

/// The log object, reached with one request per command (by the Worker and by the relays).
struct ObjectLog {
    stub: Stub,
    /// The storage rows of the last command, as the object reported them.
    rows: RefCell<Option<String>>,
}

impl ObjectLog {
    fn of(env: &Env) -> worker::Result<ObjectLog> {
        Ok(ObjectLog {
            stub: env
                .durable_object(LOG_BINDING)?
                .id_from_name(LOG_NAME)?
                .get_stub()?,
            rows: RefCell::new(None),
        })
    }
}

impl ObjectLog {
    /// A relay's sockets between rounds, for readers online (`object/online.rs`).
    async fn report_presence(&self, relay: &str, sockets: u64) -> worker::Result<()> {
        let body = serde_json::json!({ "relay": relay, "sockets": sockets }).to_string();
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        let req = worker::Request::new_with_init("https://log/presence", &init)?;
        let resp = self.stub.fetch_with_request(req).await?;
        match resp.status_code() {
            200 => Ok(()),
            status => Err(worker::Error::RustError(format!(
                "the log answered {status} to a presence report"
            ))),
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> LogCallError {
    LogCallError::Unavailable(format!("the log object: {e}"))
}

impl LogPort for ObjectLog {
    async fn call(&self, command: Command) -> Result<Reply, LogCallError> {
        let body = serde_json::to_string(&command).map_err(unavailable)?;
        let headers = Headers::new();
        headers
            .set("Content-Type", "application/json")
            .map_err(unavailable)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let req =
            worker::Request::new_with_init("https://log/command", &init).map_err(unavailable)?;
        let mut resp = self
            .stub
            .fetch_with_request(req)
            .await
            .map_err(unavailable)?;
        self.rows
            .replace(resp.headers().get(object::ROWS_HEADER).ok().flatten());
        match resp.status_code() {
            // serde_json over the bytes, as the object reads its commands (no JS numbers).
            200 => {
                let body = resp.bytes().await.map_err(unavailable)?;
                serde_json::from_slice::<Reply>(&body).map_err(unavailable)
            }
            status => {
                let message = resp
                    .json::<ErrorBody>()
                    .await
                    .map(|e| e.error)
                    .unwrap_or_else(|_| format!("answered {status}"));
                Err(if status == 410 {
                    LogCallError::CursorAhead(message)
                } else {
                    LogCallError::Unavailable(message)
                })
            }
        }
    }
}

/// The Rate Limiting bindings; a missing one (a misconfigured deployment) limits nothing.
struct Limiters {
    posts: Option<worker::RateLimiter>,
    reads: Option<worker::RateLimiter>,
    wrong_credentials: Option<worker::RateLimiter>,
}

impl Limiters {
    /// The bindings are the script's: the Worker and the relays count in the same buckets.
    fn of(env: &Env) -> Limiters {
        Limiters {
            posts: env.rate_limiter("POST_LIMITER").ok(),
            reads: env.rate_limiter("READ_LIMITER").ok(),
            wrong_credentials: env.rate_limiter("CREDENTIAL_LIMITER").ok(),
        }
    }
}

/// `RATE_LIMIT_PER_MINUTE = "0"` turns the limits off (local load tests).
fn rate_limit_on(env: &Env) -> bool {
    var(env, "RATE_LIMIT_PER_MINUTE").as_deref().map(str::trim) != Some("0")
}

impl RateLimiter for Limiters {
    async fn allow(&self, bucket: Bucket, key: &str) -> Result<bool, String> {
        let binding = match bucket {
            Bucket::Post => &self.posts,
            Bucket::Read => &self.reads,
            Bucket::WrongCredential => &self.wrong_credentials,
        };
        match binding {
            Some(b) => b
                .limit(key.to_owned())
                .await
                .map(|o| o.success)
                .map_err(|e| e.to_string()),
            None => Unlimited.allow(bucket, key).await,
        }
    }
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

/// Reads a body with the cap enforced while reading: an announced or streamed body over the
/// cap is refused without reading on.
async fn read_body(
    req: &mut worker::Request,
    announced: Option<usize>,
) -> worker::Result<Option<Vec<u8>>> {
    if announced.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Ok(None);
    }
    let Ok(mut stream) = req.stream() else {
        return Ok(Some(Vec::new()));
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk?);
        if body.len() > MAX_BODY_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(body))
}

/// An operator route the Worker checked: the object's own JSON answer, with CORS.
async fn operator(
    log: &ObjectLog,
    config: &Config,
    method: Method,
    path: &str,
) -> worker::Result<worker::Response> {
    let mut init = RequestInit::new();
    init.with_method(method);
    let req = worker::Request::new_with_init(&format!("https://log/{path}"), &init)?;
    let body = log.stub.fetch_with_request(req).await?.text().await?;
    let out = Headers::new();
    for (name, value) in api::cors(config) {
        out.set(name, &value)?;
    }
    out.set("Content-Type", "application/json; charset=utf-8")?;
    out.set("Cache-Control", "no-store")?;
    Ok(worker::Response::ok(body)?.with_headers(out))
}

#[event(fetch)]
async fn fetch(
    mut req: worker::Request,
    env: Env,
    _ctx: Context,
) -> worker::Result<worker::Response> {
    let config = Config {
        allowed_origin: var(&env, "ALLOWED_ORIGIN").unwrap_or_else(|| "*".into()),
        rate_limit: rate_limit_on(&env),
        bot_token: env
            .secret("BOT_TOKEN")
            .ok()
            .map(|s| s.to_string())
            .filter(|t| !t.is_empty()),
        admin_token: env
            .secret("ADMIN_TOKEN")
            .ok()
            .map(|s| s.to_string())
            .filter(|t| !t.is_empty()),
    };
    let url = req.url()?;
    let headers = req.headers().clone();
    let header = |name: &str| headers.get(name).ok().flatten();
    let method = req.method().to_string();
    let body = if matches!(method.as_str(), "POST" | "PATCH") {
        let announced = header("Content-Length").and_then(|v| v.parse().ok());
        read_body(&mut req, announced).await?
    } else {
        Some(Vec::new())
    };
    let (origin, client_ip, content_type, authorization, acting) = (
        header("Origin"),
        header("CF-Connecting-IP"),
        header("Content-Type"),
        header("Authorization"),
        header("X-Operator"),
    );
    let request = api::Request {
        method: &method,
        path: url.path(),
        query: url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        origin: origin.as_deref(),
        client_ip: client_ip.as_deref(),
        content_type: content_type.as_deref(),
        authorization: authorization.as_deref(),
        operator: acting.as_deref(),
        websocket: header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")),
        body: body.as_deref().map_or(Body::TooLarge, Body::Read),
    };
    let log = ObjectLog::of(&env)?;
    let kv = kv::WorkersKv(env.kv(KV_BINDING)?);
    let limiter = Limiters::of(&env);
    let ctx = Ctx {
        log: &log,
        kv: &kv,
        limiter: &limiter,
        config: &config,
    };
    match api::handle(&ctx, &request).await {
        Outcome::Respond(response) => {
            let out = Headers::new();
            for (name, value) in &response.headers {
                out.set(name, value)?;
            }
            if let Some(rows) = log.rows.borrow().as_deref() {
                out.set(object::ROWS_HEADER, rows)?;
            }
            Ok(worker::Response::from_bytes(response.body.into_bytes())?
                .with_status(response.status)
                .with_headers(out))
        }
        Outcome::CloseSockets => operator(&log, &config, Method::Post, "close-sockets").await,
        Outcome::ObjectInfo => operator(&log, &config, Method::Get, "info").await,
        Outcome::Relay { name, act } => {
            let mut answer = relay_response(&env, &name, act.path(), None).await?;
            let out = Headers::new();
            for (name, value) in api::cors(&config) {
                out.set(name, &value)?;
            }
            out.set("Content-Type", "application/json; charset=utf-8")?;
            out.set("Cache-Control", "no-store")?;
            let status = answer.status_code();
            Ok(worker::Response::ok(answer.text().await?)?
                .with_status(status)
                .with_headers(out))
        }
        // A relay near the reader accepts the socket (`relay::route`); its answer (101) goes
        // straight back.
        Outcome::Live(live) => {
            let region = route::region(req.cf().and_then(|cf| cf.continent()).as_deref());
            let per_region = var(&env, "RELAYS_PER_REGION")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(route::DEFAULT_PER_REGION);
            let name = route::relay_name(region, live.network.as_deref(), per_region);
            let forward = Headers::new();
            forward.set("Upgrade", "websocket")?;
            forward.set(relay::RELAY_HEADER, &name)?;
            // Made here, never copied from the client: the relay counts sockets by it.
            if let Some(network) = &live.network {
                forward.set(relay::NETWORK_HEADER, network)?;
            }
            let poster = serde_json::to_string(&live.poster)
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            forward.set(relay::POSTER_HEADER, &poster)?;
            let relays = env.durable_object(RELAY_BINDING)?;
            let namespace = relays.id_from_name(&name)?;
            // The hint places a relay when it is first made; "any": where the Worker runs.
            let stub = match region {
                "any" => namespace.get_stub()?,
                hint => namespace.get_stub_with_location_hint(hint)?,
            };
            let mut init = RequestInit::new();
            init.with_method(Method::Get).with_headers(forward);
            let url = format!("https://relay/live?{}", live.query.to_query_string());
            stub.fetch_with_request(worker::Request::new_with_init(&url, &init)?)
                .await
        }
    }
}
