//! The comment endpoints: each turns an HTTP request into one log command.

use saywhatwant_wire::{
    is_reserved_id, is_valid_id, origin_host, parse_new_comment, parse_patch, Comment,
    CommentsQuery, MessageType, NewComment, Stats,
};
use serde::{Deserialize, Serialize};

use super::auth::Credential;
use super::error::{ApiError, BotOnly};
use super::port::LogPort;
use super::{json, limit_key, Body, Config, Ctx, Request, Response};
use crate::kv::Kv;
use crate::log::command::{Command, Reply};
use crate::rate_limit::{client_key, Bucket, RateLimiter};
use crate::recent;

fn query(req: &Request<'_>) -> Result<CommentsQuery, ApiError> {
    Ok(CommentsQuery::from_pairs(
        req.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?)
}

pub(super) fn unexpected(reply: Reply) -> ApiError {
    ApiError::Unavailable(format!("the log answered out of turn: {reply:?}"))
}

/// `GET /api/comments`: the recent view when it can answer and freshness was not asked for,
/// else the log.
pub async fn get<L: LogPort, K: Kv, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Response, ApiError> {
    let mut q = query(req)?;
    if !q.fresh {
        // A missing or unreadable view only means asking the log.
        if let Ok(Some(view)) = recent::load(ctx.kv).await {
            if let Some(page) = recent::answer(&view, &q) {
                let mut r = json(200, &page);
                r.headers
                    .push(("Cache-Control", "public, max-age=5".into()));
                return Ok(r);
            }
        }
    }
    q.fresh = true;
    match ctx.log.call(Command::Read { query: q }).await? {
        Reply::Page { page } => {
            let mut r = json(200, &page);
            r.headers.push(("Cache-Control", "no-store".into()));
            Ok(r)
        }
        other => Err(unexpected(other)),
    }
}

pub async fn stats<L: LogPort, K, R>(ctx: &Ctx<'_, L, K, R>) -> Result<Response, ApiError> {
    match ctx.log.call(Command::Stats).await? {
        Reply::Stats { total } => {
            let mut r = json(
                200,
                &Stats {
                    total_messages: total,
                },
            );
            r.headers.push(("Cache-Control", "no-store".into()));
            Ok(r)
        }
        other => Err(unexpected(other)),
    }
}

/// `GET /api/comments/live`: checked here, served by the log object.
pub fn live(config: &Config, req: &Request<'_>) -> Result<CommentsQuery, ApiError> {
    if !req.websocket {
        return Err(ApiError::UpgradeRequired);
    }
    // CORS does not cover WebSockets: any page could make its visitors park sockets here.
    // Browsers always send `Origin` on an upgrade; bots and tools send none and are let in.
    if let Some(origin) = req.origin {
        if !origin_allowed(&config.allowed_origin, origin) {
            return Err(ApiError::OriginNotAllowed(
                origin.chars().take(100).collect(),
            ));
        }
    }
    let mut q = query(req)?;
    q.fresh = true;
    Ok(q)
}

/// `*` allows every origin; otherwise the origin must be the configured one, exactly (scheme,
/// host and port), ignoring case and a trailing `/`.
pub(super) fn origin_allowed(allowed: &str, origin: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    allowed.trim() == "*" || norm(allowed) == norm(origin)
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// The body of a POST or PATCH: JSON, within the cap.
pub(super) fn json_body<'a>(req: &Request<'a>) -> Result<&'a [u8], ApiError> {
    match req.body {
        Body::TooLarge => Err(ApiError::TooLarge),
        // Without it a plain HTML form or a `text/plain` fetch from any site could post with
        // each visitor's address, and no CORS preflight would stop it.
        Body::Read(_) if !is_json(req.content_type) => Err(ApiError::UnsupportedMediaType),
        Body::Read(b) => Ok(b),
    }
}

pub(super) fn require_bot(credential: Credential, why: BotOnly) -> Result<(), ApiError> {
    match credential {
        Credential::Bot => Ok(()),
        Credential::Missing => Err(ApiError::Unauthorized(why)),
        Credential::Wrong | Credential::Admin => Err(ApiError::Forbidden(why)),
    }
}

/// Who is posting, as the Worker settled it: from an HTTP request's headers, or when a socket
/// opened (a post on the channel carries nothing of its own, `channel.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poster {
    pub credential: Credential,
    /// The network the posting allowance is counted under (`client_key`).
    pub key: String,
    /// The label stored with the comment; `None` for bots (whom the operator's rules exempt).
    pub network: Option<String>,
    /// The comment's `domain` when it names none: the host of the page that sent it.
    pub domain: String,
}

impl Poster {
    pub(super) fn of<L, K, R>(ctx: &Ctx<'_, L, K, R>, req: &Request<'_>) -> Poster {
        let credential = ctx.credential(req);
        Poster {
            credential,
            key: client_key(req.client_ip),
            network: (credential != Credential::Bot).then(|| ctx.network(req)),
            domain: req
                .origin
                .and_then(origin_host)
                .unwrap_or_else(|| "unknown".into()),
        }
    }
}

pub async fn post<L: LogPort, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Response, ApiError> {
    let new = parse_new_comment(json_body(req)?)?;
    let (comment, created) = submit(ctx, &Poster::of(ctx, req), new).await?;
    Ok(json(if created { 201 } else { 200 }, &comment))
}

/// A validated comment from `poster` into the log: the credential rules, the posting
/// allowance, then one append, answered once it is committed. HTTP and the channel both post
/// through here. `true` when it was stored now, `false` when its id was stored before.
pub async fn submit<L: LogPort, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    poster: &Poster,
    new: NewComment,
) -> Result<(Comment, bool), ApiError> {
    if new.message_type == MessageType::Ai {
        require_bot(poster.credential, BotOnly::PostAsAi)?;
    }
    if new.id.as_deref().is_some_and(is_reserved_id) {
        require_bot(poster.credential, BotOnly::ReplyId)?;
    }
    // After validation, so a malformed post does not use up the sender's allowance; the bots
    // and the operator are exempt, so a flood of visitors cannot silence them.
    if !matches!(poster.credential, Credential::Bot | Credential::Admin) {
        limit_key(ctx, &poster.key, Bucket::Post).await?;
    }
    match ctx
        .log
        .call(Command::Append {
            comment: Box::new(new),
            default_domain: poster.domain.clone(),
            network: poster.network.clone(),
        })
        .await?
    {
        Reply::Appended { comment, created } => Ok((comment, created)),
        Reply::Refused { refusal } => Err(ApiError::Refused(refusal)),
        other => Err(unexpected(other)),
    }
}

pub async fn patch<L: LogPort, K, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
    id: &str,
) -> Result<Response, ApiError> {
    require_bot(ctx.credential(req), BotOnly::Patch)?;
    if !is_valid_id(id) {
        return Err(ApiError::BadId);
    }
    let patch = parse_patch(json_body(req)?)?;
    match ctx
        .log
        .call(Command::Patch {
            id: id.to_owned(),
            patch,
        })
        .await?
    {
        Reply::Patched {
            comment: Some(comment),
        } => Ok(json(200, &comment)),
        Reply::Patched { comment: None } => Err(ApiError::CommentNotFound(id.to_owned())),
        other => Err(unexpected(other)),
    }
}
