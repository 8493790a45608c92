//! The KV key layout, the lever that keeps a fresh poll at one list call.
//!
//! Workers KV lists keys only in ascending byte order, from the start of a prefix. Comment keys
//! therefore sort newest first: `c:<9999999999999 - timestamp, 13 digits>:<id>`. A poll lists
//! from the top and stops at the cursor, so it reads only what is new, however long the history.
//! Within one millisecond keys sort by id ascending, which makes the stream's order "timestamp
//! ascending, then id descending" (see `saywhatwant_wire::chrono_cmp`).

use saywhatwant_wire::MAX_TIMESTAMP;

use super::cursor::OldCursor;

pub const COMMENT_PREFIX: &str = "c:";
/// The derived `recent:comments` view (rebuilt from the comment keys; not simulated here).
pub const RECENT_KEY: &str = "recent:comments";

/// `id:<id>` → the comment's key, so PATCH and idempotent POST never list.
pub fn id_key(id: &str) -> String {
    format!("id:{id}")
}

pub fn comment_key(timestamp: u64, id: &str) -> String {
    format!(
        "{COMMENT_PREFIX}{:013}:{id}",
        MAX_TIMESTAMP - timestamp.min(MAX_TIMESTAMP)
    )
}

/// The key a cursor stands at: every comment key `<` it is newer than the cursor.
///
/// A plain-timestamp cursor becomes `c:<inverted>:`, which sorts before every key of its own
/// millisecond, so that whole millisecond counts as delivered.
pub fn cursor_key(cursor: &OldCursor) -> String {
    comment_key(cursor.timestamp, cursor.id.as_deref().unwrap_or(""))
}

/// The timestamp a comment key encodes, or `None` for a key that is not a comment key.
pub fn timestamp_of(key: &str) -> Option<u64> {
    let inverted = key.strip_prefix(COMMENT_PREFIX)?.get(..13)?;
    inverted.parse::<u64>().ok().map(|i| MAX_TIMESTAMP - i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_comments_sort_first_and_match_the_cursor_order() {
        let a = comment_key(1_000, "b");
        let b = comment_key(1_001, "a");
        assert!(b < a, "newer first");
        assert_eq!(timestamp_of(&a), Some(1_000));
        // Same millisecond: the key order is id ascending = chronological id descending.
        let c1 = OldCursor {
            timestamp: 1_000,
            id: Some("b".into()),
        };
        assert!(comment_key(1_000, "a") < cursor_key(&c1));
        assert!(comment_key(1_000, "c") > cursor_key(&c1));
        // A plain timestamp covers its whole millisecond.
        let plain = cursor_key(&OldCursor::timestamp(1_000));
        assert!(comment_key(1_000, "-") > plain && comment_key(1_001, "z") < plain);
        assert_eq!(timestamp_of("id:x"), None);
    }
}
