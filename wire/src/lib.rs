//! The comment stream's wire format, defined once for the worker, the browser app and the bot.
//!
//! Everything here is plain data and pure functions so that each side validates exactly the
//! same way; see `docs/api.md` for the contract these types implement.

mod backoff;
mod comment;
mod cursor;
mod hygiene;
pub mod live;
pub mod moderation;
mod query;
mod validate;

pub use backoff::backoff_ms;
pub use comment::{BotParams, Comment, MessageType};
pub use cursor::{chrono_cmp, Cursor, CursorError, MAX_SEQ, MAX_TIMESTAMP};
pub use hygiene::{has_hidden_characters, has_visible, origin_host};
pub use query::{CommentsQuery, Order, QueryError, DEFAULT_LIMIT, MAX_LIMIT};
pub use validate::{
    is_reserved_id, is_valid_color, is_valid_id, parse_new_comment, parse_patch, reply_id,
    FieldError, NewComment, Patch, MAX_AI_USERNAME_CHARS, MAX_BODY_BYTES, MAX_CONTEXT_BYTES,
    MAX_CONTEXT_ITEMS, MAX_CONTEXT_LINE_CHARS, MAX_TEXT_CHARS, MAX_USERNAME_CHARS,
    RESERVED_ID_PREFIX,
};

/// Answer of `GET /api/comments`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentsPage {
    pub comments: Vec<Comment>,
    pub has_more: bool,
    /// What to send as `after` next time; `None` only when nothing at all is known yet.
    pub cursor: Option<String>,
    pub source: Source,
    /// Ids the operator took down that the reader may hold: drop them (IndexedDB too). After a
    /// cursor, those taken down since; on a first load, the most recent ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// Where an answer came from: the cached recent view, or the comment log itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Cache,
    Fresh,
}

/// Answer of `GET /api/stats`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub total_messages: u64,
}

/// Body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: String,
}
