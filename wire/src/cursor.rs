//! The polling cursor: a position in the stream's order.
//!
//! The stream's order is the comment log's sequence: every comment gets the next number when
//! it is committed, so "everything after position n" is exact, whatever the clocks say. A
//! cursor the API hands out is `s<n>`. The forms older clients send, `<ms>` and `<ms>:<id>`,
//! are still accepted: the log maps them to the position of the last comment at or before that
//! time (see docs/api.md).
//!
//! Timestamps are display data. The log makes them strictly increasing in sequence order, so
//! [`chrono_cmp`] (timestamp, then id descending for comments imported with equal times) shows
//! comments in the same order the log delivers them.

use std::cmp::Ordering;
use std::fmt;

use crate::Comment;

/// "Everything up to and including this position has been delivered."
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cursor {
    /// `s<n>`: up to and including the log's comment number `n` (0: before the first).
    Seq(u64),
    /// `<ms>` (everything at or before that millisecond) or `<ms>:<id>` (up to and including
    /// that comment): the forms from before the log.
    Time { timestamp: u64, id: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`after` must be a cursor returned by this API (`s<n>`) or a millisecond timestamp (got {0:?})"
)]
pub struct CursorError(pub String);

/// The largest timestamp a legacy cursor can hold (13 digits: the year 2286).
pub const MAX_TIMESTAMP: u64 = 9_999_999_999_999;
/// Sequence numbers stay within JavaScript's safe integers (SQLite and JSON both carry them).
pub const MAX_SEQ: u64 = (1 << 53) - 1;

impl Cursor {
    /// The legacy position of a comment (`<ms>:<id>`).
    pub fn at(comment: &Comment) -> Self {
        Cursor::Time {
            timestamp: comment.timestamp,
            id: Some(comment.id.clone()),
        }
    }

    /// The legacy plain-timestamp form (`<ms>`).
    pub fn timestamp(ms: u64) -> Self {
        Cursor::Time {
            timestamp: ms,
            id: None,
        }
    }

    pub fn parse(s: &str) -> Result<Self, CursorError> {
        let err = || CursorError(s.chars().take(80).collect());
        let digits = |d: &str, max_len: usize| {
            (!d.is_empty() && d.len() <= max_len && d.bytes().all(|b| b.is_ascii_digit()))
                .then(|| d.parse::<u64>().ok())
                .flatten()
        };
        if let Some(n) = s.strip_prefix('s') {
            return match digits(n, 16) {
                Some(seq) if seq <= MAX_SEQ => Ok(Cursor::Seq(seq)),
                _ => Err(err()),
            };
        }
        let (ms, id) = match s.split_once(':') {
            Some((ms, id)) => (ms, Some(id)),
            None => (s, None),
        };
        let timestamp = digits(ms, 13).ok_or_else(err)?;
        let id = match id {
            Some(id) if crate::validate::is_valid_id(id) => Some(id.to_owned()),
            Some(_) => return Err(err()),
            None => None,
        };
        Ok(Cursor::Time { timestamp, id })
    }

    /// For a legacy cursor: whether `comment` comes after it in the order the previous API
    /// used (timestamp, then id descending). Always false for a sequence cursor, which only
    /// the log can place.
    pub fn is_before(&self, comment: &Comment) -> bool {
        let Cursor::Time { timestamp, id } = self else {
            return false;
        };
        match comment.timestamp.cmp(timestamp) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => id.as_deref().is_some_and(|id| comment.id.as_str() < id),
        }
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cursor::Seq(n) => write!(f, "s{n}"),
            Cursor::Time {
                timestamp,
                id: Some(id),
            } => write!(f, "{timestamp}:{id}"),
            Cursor::Time {
                timestamp,
                id: None,
            } => write!(f, "{timestamp}"),
        }
    }
}

impl serde::Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Cursor::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The stream's display order (oldest first), shared by every client.
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
            reply_to: None,
        }
    }

    #[test]
    fn parses_and_prints_every_form() {
        assert_eq!(Cursor::parse("s0").unwrap(), Cursor::Seq(0));
        assert_eq!(Cursor::parse("s1042").unwrap().to_string(), "s1042");
        assert_eq!(
            Cursor::parse("1761239864515").unwrap(),
            Cursor::timestamp(1761239864515)
        );
        let cur = Cursor::parse("17:ab-C_9").unwrap();
        assert_eq!(
            cur,
            Cursor::Time {
                timestamp: 17,
                id: Some("ab-C_9".into())
            }
        );
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
            "s",
            "s-1",
            "s1.5",
            "S12",
            "s9007199254740992",
            "s12:ab",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn legacy_cursors_keep_their_order() {
        let mut v = [c(5, "a"), c(5, "c"), c(4, "z"), c(5, "b"), c(6, "a")];
        v.sort_by(chrono_cmp);
        let order: Vec<_> = v.iter().map(|c| (c.timestamp, c.id.as_str())).collect();
        assert_eq!(order, [(4, "z"), (5, "c"), (5, "b"), (5, "a"), (6, "a")]);
        for (i, at) in v.iter().enumerate() {
            let cur = Cursor::at(at);
            let newer: Vec<_> = v.iter().filter(|x| cur.is_before(x)).cloned().collect();
            assert_eq!(newer, v[i + 1..].to_vec());
        }
        // A plain timestamp covers the whole millisecond; a sequence cursor places nothing.
        assert_eq!(
            v.iter()
                .filter(|x| Cursor::timestamp(5).is_before(x))
                .count(),
            1
        );
        assert!(v.iter().all(|x| !Cursor::Seq(0).is_before(x)));
    }
}
