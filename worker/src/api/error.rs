//! Every way a request can fail, each with its status and a sentence a person can act on.

use saywhatwant_wire::moderation::Refusal;
use saywhatwant_wire::{ErrorBody, FieldError, QueryError, MAX_BODY_BYTES};

/// Why a request needed the bot credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotOnly {
    Patch,
    PostAsAi,
    ReplyId,
}

impl BotOnly {
    fn what(self) -> &'static str {
        match self {
            BotOnly::Patch => "changing a comment",
            BotOnly::PostAsAi => "posting with `message-type: AI`",
            BotOnly::ReplyId => "an id that starts with `re-` (the bots' replies)",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("{0}")]
    Body(#[from] FieldError),
    #[error("the body must be JSON sent as `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("the request body is over {} bytes", MAX_BODY_BYTES)]
    TooLarge,
    #[error("too many requests from your network; try again in {0} seconds")]
    RateLimited(u32),
    #[error("{} needs the bot credential (`Authorization: Bearer <BOT_TOKEN>`)", .0.what())]
    Unauthorized(BotOnly),
    #[error("the credential sent is not the bot credential, which {} needs", .0.what())]
    Forbidden(BotOnly),
    #[error("the id in the path must be 1–64 of A–Z, a–z, 0–9, `_` and `-`")]
    BadId,
    #[error("no comment has the id {0:?}")]
    CommentNotFound(String),
    #[error("there is nothing at {0}; the API lives under /api (see docs/api.md)")]
    NoRoute(String),
    #[error("{method} is not allowed here; use {allow}")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error("this address is a WebSocket: connect with `Upgrade: websocket`, or poll /api/comments?after=<cursor>&fresh=true")]
    UpgradeRequired,
    #[error("the cursor does not belong to this stream ({0}); load the newest comments again without `after`")]
    CursorExpired(String),
    #[error("pages from {0} may not open the live channel here (ALLOWED_ORIGIN)")]
    OriginNotAllowed(String),
    #[error("comment storage is unavailable right now; try again shortly")]
    Unavailable(String),
    #[error(
        "the operator routes need the operator credential (`Authorization: Bearer <ADMIN_TOKEN>`)"
    )]
    AdminOnly { presented: bool },
    #[error("{}", .0.message())]
    Refused(Refusal),
    /// An operator action on something that is not there (404) or cannot be done now (409).
    #[error("{message}")]
    NotActed { missing: bool, message: String },
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Query(_) | ApiError::Body(_) | ApiError::BadId => 400,
            ApiError::Unauthorized(_) | ApiError::AdminOnly { presented: false } => 401,
            ApiError::Forbidden(_)
            | ApiError::OriginNotAllowed(_)
            | ApiError::AdminOnly { presented: true }
            | ApiError::Refused(Refusal::Banned { .. }) => 403,
            ApiError::CommentNotFound(_)
            | ApiError::NoRoute(_)
            | ApiError::NotActed { missing: true, .. } => 404,
            ApiError::NotActed { missing: false, .. } => 409,
            ApiError::Refused(Refusal::BlockedWord { .. } | Refusal::BlockedLink { .. }) => 422,
            ApiError::Refused(Refusal::SlowMode { .. }) => 429,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::CursorExpired(_) => 410,
            ApiError::TooLarge => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::UpgradeRequired => 426,
            ApiError::RateLimited(_) => 429,
            ApiError::Unavailable(_) => 503,
        }
    }

    pub fn code(&self) -> String {
        match self {
            ApiError::Query(q) => format!("invalid_{}", q.param()),
            ApiError::Body(f) => f.code.to_owned(),
            ApiError::UnsupportedMediaType => "unsupported_media_type".into(),
            ApiError::BadId => "invalid_id".into(),
            ApiError::Unauthorized(_) | ApiError::AdminOnly { presented: false } => {
                "unauthorized".into()
            }
            ApiError::Forbidden(_) | ApiError::AdminOnly { presented: true } => "forbidden".into(),
            ApiError::Refused(r) => r.code().into(),
            ApiError::NotActed { missing: true, .. } => "not_found".into(),
            ApiError::NotActed { missing: false, .. } => "conflict".into(),
            ApiError::OriginNotAllowed(_) => "origin_not_allowed".into(),
            ApiError::CommentNotFound(_) | ApiError::NoRoute(_) => "not_found".into(),
            ApiError::MethodNotAllowed { .. } => "method_not_allowed".into(),
            ApiError::UpgradeRequired => "upgrade_required".into(),
            ApiError::CursorExpired(_) => "cursor_expired".into(),
            ApiError::TooLarge => "payload_too_large".into(),
            ApiError::RateLimited(_) => "rate_limited".into(),
            ApiError::Unavailable(_) => "storage_unavailable".into(),
        }
    }

    /// Seconds the client is told to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::RateLimited(secs) => Some(*secs),
            ApiError::Refused(Refusal::SlowMode { seconds }) => Some(*seconds),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.to_string(),
            code: self.code(),
        }
    }
}
