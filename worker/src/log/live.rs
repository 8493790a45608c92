//! The live channel's rules. A socket opened at a cursor first gets what follows the cursor,
//! then every comment (and every change to one) as the log commits it, through its relay
//! (`crate::relay`): the log reads a joining socket's backlog and registers the relay in one
//! turn, so nothing can come between the backlog and the first live frame.
//!
//! A frame is a `GET /api/comments` answer (`comments`, `hasMore`, `cursor`): clients handle
//! a push exactly like a poll, and keep the frame's cursor to resume from.

pub use saywhatwant_wire::live::{
    CLOSE_BEHIND, CLOSE_FULL, CLOSE_IDLE, CLOSE_NETWORK_FULL, CLOSE_UNKNOWN_CURSOR, IDLE_AFTER_MS,
};
use saywhatwant_wire::{CommentsPage, CommentsQuery, Cursor, Source};

use super::{Budget, Entry, Filter, Log, LogError, LogStore};
use crate::relay::{Item, Round};

/// Comments per backlog frame (a poll's page).
pub const FRAME_SIZE: usize = 200;
/// A socket further behind than this is closed with [`CLOSE_BEHIND`]: the client catches up
/// with fresh polls (which page) and connects again.
pub const MAX_BACKLOG: usize = 2000;
/// Or further behind than this many bytes of comments (2 000 heavy ones would not fit the
/// object's memory): polls page through them instead.
pub const MAX_BACKLOG_BYTES: usize = 4 * 1024 * 1024;
/// Sockets one network (an IPv4 address, an IPv6 /64) may hold: a household's or an office's
/// tabs, not a stranger's thousands, each of which every commit is sent to.
pub const MAX_SOCKETS_PER_NETWORK: usize = 20;
/// Sockets the object holds at most, under the platform's 32 768 hibernatable sockets.
pub const MAX_SOCKETS: usize = 30_000;

/// Whether a socket opened at `opened`, whose last keep-alive the runtime answered at
/// `last_ping` (if any), has been silent for `idle_after` at `now`.
pub fn is_idle(opened: u64, last_ping: Option<u64>, now: u64, idle_after: u64) -> bool {
    now.saturating_sub(last_ping.unwrap_or(0).max(opened)) >= idle_after
}

/// Why a socket is not admitted (it is accepted and closed at once with the code, so the page
/// hears why and falls back to polling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NetworkFull,
    Full,
}

impl Refusal {
    pub fn close(self) -> (u16, &'static str) {
        match self {
            Refusal::NetworkFull => (
                CLOSE_NETWORK_FULL,
                "your network holds too many live sockets: polling instead",
            ),
            Refusal::Full => (CLOSE_FULL, "the live channel is full: polling instead"),
        }
    }
}

/// Whether one more socket may open, given what the network (`None`: exempt, the bots) and
/// the relay already hold, and the relay's cap (under [`MAX_SOCKETS`]).
pub fn admit(from_network: Option<usize>, total: usize, cap: usize) -> Result<(), Refusal> {
    if total >= cap.min(MAX_SOCKETS) {
        Err(Refusal::Full)
    } else if from_network.is_some_and(|n| n >= MAX_SOCKETS_PER_NETWORK) {
        Err(Refusal::NetworkFull)
    } else {
        Ok(())
    }
}

pub enum Opening {
    /// Send these, in order; the last one's cursor is the log's head.
    Frames(Vec<CommentsPage>),
    TooFarBehind,
}

fn frame(comments: Vec<Entry>, has_more: bool, cursor: u64) -> CommentsPage {
    CommentsPage {
        comments: comments.into_iter().map(|e| e.comment).collect(),
        has_more,
        cursor: Some(Cursor::Seq(cursor).to_string()),
        source: Source::Fresh,
        removed: Vec::new(),
    }
}

/// What a socket opened with `q` (its `after`, `type` and `domain`) is sent first. Without
/// `after` it starts at the present.
pub fn open<S: LogStore>(log: &mut Log<S>, q: &CommentsQuery) -> Result<Opening, LogError> {
    let filter = Filter::of(q);
    let start = match &q.after {
        Some(c) => log.position(c)?,
        None => log.head(),
    };
    // Archived history is read by polling, a bounded page at a time.
    if !log.is_hot(start)? {
        return Ok(Opening::TooFarBehind);
    }
    let mut budget = Budget::new(MAX_BACKLOG_BYTES);
    let backlog = log.after_within(start, &filter, MAX_BACKLOG + 1, &mut budget)?;
    if backlog.len() > MAX_BACKLOG || budget.hit {
        return Ok(Opening::TooFarBehind);
    }
    let head = log.head();
    let mut frames = Vec::new();
    let mut rest = backlog;
    while rest.len() > FRAME_SIZE {
        let later = rest.split_off(FRAME_SIZE);
        let cursor = rest.last().map_or(start, |e| e.seq);
        frames.push(frame(rest, true, cursor));
        rest = later;
    }
    // The last frame (possibly empty) says "current as of the head", and what was taken
    // down while the reader was away.
    frames.push(CommentsPage {
        removed: log.removed_since(start)?,
        ..frame(rest, false, head)
    });
    Ok(Opening::Frames(frames))
}

/// What a relay that missed rounds is sent: every comment after `after` (the relay's head)
/// and the takedowns since, as one round to the log's head; `None` when that is more than a
/// socket could be sent (the relay's sockets then catch up by polling).
pub fn since<S: LogStore>(log: &mut Log<S>, after: u64) -> Result<Option<Round>, LogError> {
    if after > log.head() {
        return Err(LogError::CursorAhead {
            cursor: after,
            head: log.head(),
        });
    }
    if !log.is_hot(after)? {
        return Ok(None);
    }
    let mut budget = Budget::new(MAX_BACKLOG_BYTES);
    let missed = log.after_within(after, &Filter::default(), MAX_BACKLOG + 1, &mut budget)?;
    if missed.len() > MAX_BACKLOG || budget.hit {
        return Ok(None);
    }
    Ok(Some(Round {
        from: after,
        to: log.head(),
        items: missed
            .into_iter()
            .map(|e| Item {
                seq: e.seq,
                comment: e.comment,
                update: false,
            })
            .collect(),
        removed: log.removed_since(after)?,
        online: None,
    }))
}

#[cfg(test)]
mod tests {
    use saywhatwant_wire::parse_new_comment;

    use super::*;
    use crate::log::MemoryStore;

    fn log(n: u64) -> Log<MemoryStore> {
        let mut log = Log::with_tail_cap(MemoryStore::new(), 300).expect("open");
        for i in 0..n {
            let c = parse_new_comment(format!(r#"{{"text":"c{i}"}}"#).as_bytes()).expect("ok");
            log.append(c, || format!("id{i}"), "d", 1_000 + i)
                .expect("append");
        }
        log
    }

    fn q(s: &str) -> CommentsQuery {
        CommentsQuery::from_pairs(s.split('&').filter_map(|kv| kv.split_once('='))).expect("q")
    }

    fn frames(o: Opening) -> Vec<CommentsPage> {
        match o {
            Opening::Frames(f) => f,
            Opening::TooFarBehind => panic!("not behind"),
        }
    }

    #[test]
    fn a_backlog_comes_in_pages_then_the_present() {
        let mut log = log(450);
        let f = frames(open(&mut log, &q("after=s10")).expect("open"));
        let sizes: Vec<_> = f.iter().map(|p| p.comments.len()).collect();
        assert_eq!(sizes, [200, 200, 40]);
        let cursors: Vec<_> = f
            .iter()
            .map(|p| p.cursor.clone().unwrap_or_default())
            .collect();
        assert_eq!(cursors, ["s210", "s410", "s450"]);
        assert_eq!(
            f.iter().map(|p| p.has_more).collect::<Vec<_>>(),
            [true, true, false]
        );
        // Everything after the cursor, once, in order.
        let texts: Vec<String> = f
            .iter()
            .flat_map(|p| p.comments.iter().map(|c| c.text.clone()))
            .collect();
        assert_eq!(
            texts,
            (10..450).map(|i| format!("c{i}")).collect::<Vec<_>>()
        );
    }

    #[test]
    fn without_a_cursor_or_when_current_it_starts_with_an_empty_frame_at_the_head() {
        let mut log = log(5);
        for query in ["", "after=s5", "after=9999999999999"] {
            let f = frames(open(&mut log, &q(query)).expect("open"));
            assert_eq!(f.len(), 1, "{query}");
            assert!(f[0].comments.is_empty());
            assert_eq!(f[0].cursor.as_deref(), Some("s5"));
        }
    }

    #[test]
    fn sockets_are_capped_per_network_and_in_all() {
        assert_eq!(admit(Some(0), 0, MAX_SOCKETS), Ok(()));
        assert_eq!(
            admit(Some(MAX_SOCKETS_PER_NETWORK - 1), 100, MAX_SOCKETS),
            Ok(())
        );
        assert_eq!(
            admit(Some(MAX_SOCKETS_PER_NETWORK), 100, MAX_SOCKETS),
            Err(Refusal::NetworkFull)
        );
        assert_eq!(
            admit(None, MAX_SOCKETS - 1, MAX_SOCKETS),
            Ok(()),
            "bots are exempt"
        );
        assert_eq!(admit(None, MAX_SOCKETS, MAX_SOCKETS), Err(Refusal::Full));
        assert_eq!(admit(Some(0), MAX_SOCKETS, MAX_SOCKETS), Err(Refusal::Full));
        assert_eq!(
            admit(Some(0), 50, 50),
            Err(Refusal::Full),
            "a relay's own cap"
        );
        let codes = [Refusal::NetworkFull.close().0, Refusal::Full.close().0];
        assert_eq!(codes, [CLOSE_NETWORK_FULL, CLOSE_FULL]);
    }

    #[test]
    fn a_socket_is_idle_after_the_limit_since_its_last_ping_or_its_opening() {
        let limit = IDLE_AFTER_MS;
        assert!(!is_idle(1_000, None, 1_000 + limit - 1, limit));
        assert!(is_idle(1_000, None, 1_000 + limit, limit));
        assert!(
            !is_idle(1_000, Some(50_000), 1_000 + limit, limit),
            "a recent ping"
        );
        assert!(is_idle(1_000, Some(50_000), 50_000 + limit, limit));
        assert!(
            !is_idle(90_000, Some(50_000), 90_000 + limit - 1, limit),
            "opened after its last ping: a reopened socket"
        );
        assert!(
            !is_idle(5_000, None, 0, limit),
            "a clock behind the opening"
        );
    }

    #[test]
    fn a_relay_that_missed_rounds_gets_everything_after_its_head() {
        let mut short = log(30);
        let r = since(&mut short, 25).expect("read").expect("near");
        assert_eq!((r.from, r.to), (25, 30));
        let seqs: Vec<u64> = r.items.iter().map(|i| i.seq).collect();
        assert_eq!(seqs, [26, 27, 28, 29, 30]);
        assert!(r.items.iter().all(|i| !i.update));
        let current = since(&mut short, 30).expect("read").expect("near");
        assert!(current.items.is_empty() && current.to == 30);
        assert!(matches!(
            since(&mut short, 31),
            Err(LogError::CursorAhead { .. })
        ));
        let mut long = log(MAX_BACKLOG as u64 + 5);
        assert!(since(&mut long, 1).expect("read").is_none(), "too far");
    }

    #[test]
    fn too_far_behind_or_from_another_log_is_said_so() {
        let mut log = log(MAX_BACKLOG as u64 + 10);
        assert!(matches!(
            open(&mut log, &q("after=s5")),
            Ok(Opening::TooFarBehind)
        ));
        assert!(matches!(
            open(&mut log, &q("after=s20")),
            Ok(Opening::Frames(_))
        ));
        assert!(matches!(
            open(&mut log, &q("after=s999999")),
            Err(LogError::CursorAhead { .. })
        ));
    }
}
