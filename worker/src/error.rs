//! Every way a request can fail, each with its status and a sentence a person can act on.

use saywhatwant_wire::{ErrorBody, FieldError, QueryError, MAX_BODY_BYTES};

use crate::fresh::ReadError;
use crate::kv::KvError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("{0}")]
    Body(#[from] FieldError),
    #[error("the request body is over {} bytes", MAX_BODY_BYTES)]
    TooLarge,
    #[error("too many posts from your address; try again in {0} seconds")]
    RateLimited(u32),
    #[error("the id in the path must be 1–64 of A–Z, a–z, 0–9, `_` and `-`")]
    BadId,
    #[error("no comment has the id {0:?}")]
    CommentNotFound(String),
    #[error("there is nothing at {0}; the API lives under /api (see docs/api.md)")]
    NoRoute(String),
    #[error("{method} is not allowed here; use {allow}")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error(
        "the cursor is too far behind to catch up; load the newest comments again without `after`"
    )]
    CursorExpired,
    #[error("comment storage is unavailable right now; try again shortly")]
    Storage(#[from] KvError),
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Kv(e) => ApiError::Storage(e),
            ReadError::CursorExpired => ApiError::CursorExpired,
        }
    }
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Query(_) | ApiError::Body(_) | ApiError::BadId => 400,
            ApiError::CommentNotFound(_) | ApiError::NoRoute(_) => 404,
            ApiError::MethodNotAllowed { .. } => 405,
            ApiError::CursorExpired => 410,
            ApiError::TooLarge => 413,
            ApiError::RateLimited(_) => 429,
            ApiError::Storage(_) => 503,
        }
    }

    pub fn code(&self) -> String {
        match self {
            ApiError::Query(q) => format!("invalid_{}", q.param()),
            ApiError::Body(f) => f.code.to_owned(),
            ApiError::BadId => "invalid_id".into(),
            ApiError::CommentNotFound(_) | ApiError::NoRoute(_) => "not_found".into(),
            ApiError::MethodNotAllowed { .. } => "method_not_allowed".into(),
            ApiError::CursorExpired => "cursor_expired".into(),
            ApiError::TooLarge => "payload_too_large".into(),
            ApiError::RateLimited(_) => "rate_limited".into(),
            ApiError::Storage(_) => "storage_unavailable".into(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.to_string(),
            code: self.code(),
        }
    }
}
