//! The KV design's polling cursor and query, as the wire format had them before the log.
//!
//! The stream's order was `timestamp`, then `id` *descending* (the order newest-first keys give
//! for free). A cursor was `<ms>` (everything at or before that millisecond) or `<ms>:<id>` (a
//! comment's exact position, so equal timestamps were never skipped or repeated). Nothing in it
//! records what a location had *seen*: that is the gap the simulation measures.

use std::cmp::Ordering;
use std::fmt;

use saywhatwant_wire::{is_valid_id, Comment, MessageType, Order, DEFAULT_LIMIT};

/// "Everything up to and including this position has been delivered."
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OldCursor {
    pub timestamp: u64,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`after` must be a millisecond timestamp or a cursor returned by this API (got {0:?})")]
pub struct OldCursorError(pub String);

impl OldCursor {
    pub fn at(comment: &Comment) -> Self {
        OldCursor {
            timestamp: comment.timestamp,
            id: Some(comment.id.clone()),
        }
    }

    pub fn timestamp(ms: u64) -> Self {
        OldCursor {
            timestamp: ms,
            id: None,
        }
    }

    pub fn parse(s: &str) -> Result<Self, OldCursorError> {
        let err = || OldCursorError(s.chars().take(80).collect());
        let (ms, id) = match s.split_once(':') {
            Some((ms, id)) => (ms, Some(id)),
            None => (s, None),
        };
        if ms.is_empty() || ms.len() > 13 || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let timestamp: u64 = ms.parse().map_err(|_| err())?;
        let id = match id {
            Some(id) if is_valid_id(id) => Some(id.to_owned()),
            Some(_) => return Err(err()),
            None => None,
        };
        Ok(OldCursor { timestamp, id })
    }

    /// Whether `comment` comes after this position, i.e. has not been delivered yet.
    pub fn is_before(&self, comment: &Comment) -> bool {
        match comment.timestamp.cmp(&self.timestamp) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => match &self.id {
                Some(id) => comment.id.as_str() < id.as_str(),
                None => false,
            },
        }
    }
}

impl fmt::Display for OldCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}:{}", self.timestamp, id),
            None => write!(f, "{}", self.timestamp),
        }
    }
}

/// The parts of `GET /api/comments` a fresh read used, with the legacy cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldQuery {
    pub limit: usize,
    pub after: Option<OldCursor>,
    pub message_type: Option<MessageType>,
    pub domain: Option<String>,
    pub order: Order,
}

impl Default for OldQuery {
    fn default() -> Self {
        OldQuery {
            limit: DEFAULT_LIMIT,
            after: None,
            message_type: None,
            domain: None,
            order: Order::Asc,
        }
    }
}

impl OldQuery {
    pub fn matches(&self, c: &Comment) -> bool {
        self.message_type.is_none_or(|t| t == c.message_type)
            && self.domain.as_deref().is_none_or(|d| d == c.domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ts: u64, id: &str) -> Comment {
        Comment {
            id: id.into(),
            text: "t".into(),
            timestamp: ts,
            username: None,
            color: None,
            domain: "d".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: None,
            bot_params: None,
            reply_to: None,
        }
    }

    #[test]
    fn parses_prints_and_orders_like_the_old_wire_cursor() {
        assert_eq!(
            OldCursor::parse("1761239864515"),
            Ok(OldCursor::timestamp(1761239864515))
        );
        let cur = OldCursor::parse("17:ab-C_9").expect("a cursor");
        assert_eq!(cur.to_string(), "17:ab-C_9");
        for bad in ["", "abc", "1:", "1:bad id", "99999999999999", "s12"] {
            assert!(OldCursor::parse(bad).is_err(), "{bad:?}");
        }
        let at = OldCursor::at(&c(5, "b"));
        assert!(at.is_before(&c(5, "a")) && at.is_before(&c(6, "z")));
        assert!(!at.is_before(&c(5, "b")) && !at.is_before(&c(5, "c")));
        assert!(!OldCursor::timestamp(5).is_before(&c(5, "a")));
    }
}
