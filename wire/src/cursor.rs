//! The polling cursor: a position in the stream's total order.
//!
//! Comments are ordered by `timestamp`, and comments that share a millisecond by `id`
//! *descending* (that is the order the worker's newest-first keys give for free; any fixed
//! tie-break works as long as everyone uses the same one, so use [`Cursor::is_before`] and
//! [`chrono_cmp`] rather than comparing timestamps).

use std::cmp::Ordering;
use std::fmt;

use crate::Comment;

/// "Everything up to and including this position has been delivered."
///
/// On the wire it is `<ms>` (a plain timestamp: everything at or before that millisecond) or
/// `<ms>:<id>` (a comment's exact position, so equal timestamps are never skipped or repeated).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub timestamp: u64,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`after` must be a millisecond timestamp or a cursor returned by this API (got {0:?})")]
pub struct CursorError(pub String);

/// The largest timestamp a cursor or key can hold (13 digits: the year 2286).
pub const MAX_TIMESTAMP: u64 = 9_999_999_999_999;

impl Cursor {
    pub fn at(comment: &Comment) -> Self {
        Cursor {
            timestamp: comment.timestamp,
            id: Some(comment.id.clone()),
        }
    }

    pub fn timestamp(ms: u64) -> Self {
        Cursor {
            timestamp: ms,
            id: None,
        }
    }

    pub fn parse(s: &str) -> Result<Self, CursorError> {
        let err = || CursorError(s.chars().take(80).collect());
        let (ms, id) = match s.split_once(':') {
            Some((ms, id)) => (ms, Some(id)),
            None => (s, None),
        };
        if ms.is_empty() || ms.len() > 13 || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let timestamp: u64 = ms.parse().map_err(|_| err())?;
        let id = match id {
            Some(id) if crate::validate::is_valid_id(id) => Some(id.to_owned()),
            Some(_) => return Err(err()),
            None => None,
        };
        Ok(Cursor { timestamp, id })
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

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}:{}", self.timestamp, id),
            None => write!(f, "{}", self.timestamp),
        }
    }
}

/// The stream's chronological order (oldest first), shared by every client.
pub fn chrono_cmp(a: &Comment, b: &Comment) -> Ordering {
    a.timestamp.cmp(&b.timestamp).then_with(|| b.id.cmp(&a.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MessageType;

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
        }
    }

    #[test]
    fn parses_and_prints_both_forms() {
        assert_eq!(
            Cursor::parse("1761239864515").unwrap(),
            Cursor::timestamp(1761239864515)
        );
        let cur = Cursor::parse("17:ab-C_9").unwrap();
        assert_eq!(cur.id.as_deref(), Some("ab-C_9"));
        assert_eq!(cur.to_string(), "17:ab-C_9");
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "-1",
            "12.5",
            "1:",
            "1:bad id",
            "99999999999999",
            "1:a:b",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn equal_timestamps_follow_the_shared_order() {
        let mut v = [c(5, "a"), c(5, "c"), c(4, "z"), c(5, "b"), c(6, "a")];
        v.sort_by(chrono_cmp);
        let order: Vec<_> = v.iter().map(|c| (c.timestamp, c.id.as_str())).collect();
        assert_eq!(order, [(4, "z"), (5, "c"), (5, "b"), (5, "a"), (6, "a")]);
        // A cursor at each element sees exactly the ones after it as new.
        for (i, at) in v.iter().enumerate() {
            let cur = Cursor::at(at);
            let newer: Vec<_> = v.iter().filter(|x| cur.is_before(x)).cloned().collect();
            assert_eq!(newer, v[i + 1..].to_vec());
        }
        // A plain timestamp covers the whole millisecond.
        assert_eq!(
            v.iter()
                .filter(|x| Cursor::timestamp(5).is_before(x))
                .count(),
            1
        );
    }
}
