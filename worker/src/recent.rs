//! The recent view: the newest comments as one Workers KV value, written by the log object
//! at most every [`REFRESH_MS`] while the stream changes, read by the Worker for first loads.
//!
//! It earns its place because KV serves it from the reader's own location: a page's first
//! load does not cross the world to the one object. It may be a minute old (KV propagation);
//! its cursor is the log position it was built at, so a fresh read or the live channel from
//! that cursor brings exactly what it lacks.
//!
//! Stored as lines so a read parses only what it answers: a header (JSON), then one line per
//! comment, oldest first, `<seq>\t<type>\t<domain>\t<comment JSON>`. Filters read the first
//! three fields; only the comments returned are parsed (a `limit=1` first load parses one).

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, Cursor, Order, Source};
use serde::{Deserialize, Serialize};

use crate::kv::{Kv, KvError};
use crate::log::{Budget, Filter, Log, LogError, LogStore};

pub const RECENT_KEY: &str = "recent:view:v2";
/// Comments kept in the view: the page's bulk load asks for 200.
pub const RECENT_SIZE: usize = 500;
/// And about this many bytes of them (a read answers no more: `MAX_PAGE_BYTES`).
pub const RECENT_BYTES: usize = crate::log::MAX_PAGE_BYTES;
/// How often, at most, the object rewrites the view (KV allows one write a second per key).
pub const REFRESH_MS: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    built_at: u64,
    /// The log's head when built.
    head: u64,
    total: u64,
    /// The newest ids taken down (newest first), each with the head it was taken down at.
    removed: Vec<(String, u64)>,
}

/// A view as the object builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentView {
    header: Header,
    /// Oldest first, at most [`RECENT_SIZE`]: every comment of the log from the first one's
    /// seq to the head.
    entries: Vec<(u64, Comment)>,
}

impl RecentView {
    /// From the log's in-memory tail: no storage rows once the tail is loaded.
    pub fn build<S: LogStore>(log: &mut Log<S>, now: u64) -> Result<Self, LogError> {
        let mut newest = log.newest_within(
            &Filter::default(),
            RECENT_SIZE,
            &mut Budget::new(RECENT_BYTES),
        )?;
        newest.reverse();
        Ok(RecentView {
            header: Header {
                built_at: now,
                head: log.head(),
                total: log.total(),
                removed: log.removal_window_pairs()?,
            },
            entries: newest.into_iter().map(|e| (e.seq, e.comment)).collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn encode(&self) -> Result<String, serde_json::Error> {
        let mut out = serde_json::to_string(&self.header)?;
        for (seq, c) in &self.entries {
            out.push('\n');
            out.push_str(&format!(
                "{seq}\t{}\t{}\t{}",
                c.message_type.as_str(),
                c.domain,
                serde_json::to_string(c)?
            ));
        }
        Ok(out)
    }
}

/// One comment line, not yet parsed.
struct Line<'a> {
    seq: u64,
    message_type: &'a str,
    domain: &'a str,
    json: &'a str,
}

impl Line<'_> {
    fn passes(&self, f: &Filter) -> bool {
        f.message_type
            .is_none_or(|t| t.as_str() == self.message_type)
            && f.domain.as_deref().is_none_or(|d| d == self.domain)
    }
}

/// A stored view, split into lines (no comment parsed yet).
pub struct StoredView<'a> {
    header: Header,
    lines: Vec<Line<'a>>,
}

impl<'a> StoredView<'a> {
    /// `None` for a value that is not a view (the log answers then).
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut rows = text.split('\n');
        let header: Header = serde_json::from_str(rows.next()?).ok()?;
        let lines = rows
            .map(|row| {
                let mut f = row.splitn(4, '\t');
                Some(Line {
                    seq: f.next()?.parse().ok()?,
                    message_type: f.next()?,
                    domain: f.next()?,
                    json: f.next()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(StoredView { header, lines })
    }

    /// The lowest cursor the view answers from: the one just before its first comment.
    fn floor(&self) -> u64 {
        self.lines.first().map_or(self.header.head, |l| l.seq - 1)
    }

    /// Whether the view holds every removal a reader at `n` needs (older ones fell off a full
    /// list: the log answers then).
    fn knows_removals_since(&self, n: u64) -> bool {
        crate::log::takedown::window_reaches(&self.header.removed, n)
    }

    /// Answers a read the view holds everything for: the newest `limit` (the bulk load), or
    /// what follows a sequence cursor the view reaches back to. `None`: ask the log.
    pub fn answer(&self, q: &CommentsQuery) -> Option<CommentsPage> {
        if q.limit > RECENT_SIZE {
            return None;
        }
        let filter = Filter::of(q);
        let (picked, has_more, cursor): (Vec<&Line>, bool, u64) = match &q.after {
            None => {
                let mut newest: Vec<&Line> = self
                    .lines
                    .iter()
                    .rev()
                    .filter(|l| l.passes(&filter))
                    .take(q.limit + 1)
                    .collect();
                let older = newest.len() > q.limit || self.header.total > self.lines.len() as u64;
                newest.truncate(q.limit);
                newest.reverse();
                (newest, older, self.header.head)
            }
            Some(Cursor::Seq(n))
                if *n >= self.floor()
                    && *n <= self.header.head
                    && self.knows_removals_since(*n) =>
            {
                let skip = self.lines.partition_point(|l| l.seq <= *n);
                let mut newer: Vec<&Line> = self.lines[skip..]
                    .iter()
                    .filter(|l| l.passes(&filter))
                    .take(q.limit + 1)
                    .collect();
                let more = newer.len() > q.limit;
                newer.truncate(q.limit);
                let cursor = match (more, newer.last()) {
                    (true, Some(l)) => l.seq,
                    (true, None) => *n,
                    (false, _) => self.header.head,
                };
                (newer, more, cursor)
            }
            Some(_) => return None,
        };
        let mut comments = picked
            .iter()
            .map(|l| serde_json::from_str::<Comment>(l.json).ok())
            .collect::<Option<Vec<_>>>()?;
        if q.order == Order::Desc {
            comments.reverse();
        }
        let since = match &q.after {
            Some(Cursor::Seq(n)) => *n,
            _ => 0,
        };
        Some(CommentsPage {
            comments,
            has_more,
            cursor: Some(Cursor::Seq(cursor).to_string()),
            source: Source::Cache,
            removed: self
                .header
                .removed
                .iter()
                .filter(|(_, at)| *at >= since)
                .map(|(id, _)| id.clone())
                .collect(),
        })
    }
}

/// The stored view's text, or `None` when it is missing (the log answers then).
pub async fn load<K: Kv>(kv: &K) -> Result<Option<String>, KvError> {
    kv.get(RECENT_KEY).await
}

/// Answers from a stored view's text; `None`: unreadable, or it does not hold the answer.
pub fn answer(text: &str, q: &CommentsQuery) -> Option<CommentsPage> {
    StoredView::parse(text)?.answer(q)
}

pub async fn store<K: Kv>(kv: &K, view: &RecentView) -> Result<(), KvError> {
    let value = view
        .encode()
        .map_err(|e| KvError(format!("encoding the view: {e}")))?;
    kv.put(RECENT_KEY, &value, None).await
}

#[cfg(test)]
mod tests {
    use saywhatwant_wire::{parse_new_comment, MessageType};

    use super::*;
    use crate::log::MemoryStore;

    fn log(n: u64) -> Log<MemoryStore> {
        let mut log = Log::with_tail_cap(MemoryStore::new(), 50).expect("open");
        for i in 0..n {
            let mut c = parse_new_comment(format!(r#"{{"text":"c{i}"}}"#).as_bytes()).expect("ok");
            if i % 3 == 0 {
                c.message_type = MessageType::Ai;
            }
            log.append(c, || format!("id{i}"), "d", 1_000 + i)
                .expect("append");
        }
        log
    }

    fn q(s: &str) -> CommentsQuery {
        CommentsQuery::from_pairs(s.split('&').filter_map(|kv| kv.split_once('='))).expect("q")
    }

    #[test]
    fn answers_what_the_log_would_from_the_same_moment() {
        let mut log = log(RECENT_SIZE as u64 + 40);
        let view = RecentView::build(&mut log, 0).expect("build");
        assert_eq!(view.len(), RECENT_SIZE);
        let text = view.encode().expect("encode");
        for query in [
            "limit=200",
            "limit=1",
            "limit=7&type=AI",
            "limit=5&order=desc",
            "after=s530&limit=3",
            "after=s41&limit=200&type=human",
            "after=s540&limit=10",
            "after=s100&limit=0",
        ] {
            let mut from_log = log.read(&q(query)).expect("read");
            let from_view = answer(&text, &q(query)).unwrap_or_else(|| panic!("{query}"));
            assert_eq!(from_view.source, Source::Cache);
            from_log.source = Source::Cache;
            assert_eq!(from_view, from_log, "{query}");
        }
    }

    #[test]
    fn leaves_to_the_log_what_it_does_not_hold() {
        let mut log = log(RECENT_SIZE as u64 + 40);
        let text = RecentView::build(&mut log, 0)
            .expect("build")
            .encode()
            .expect("encode");
        for query in ["limit=600", "after=s10", "after=s541", "after=1000"] {
            assert_eq!(answer(&text, &q(query)), None, "{query}");
        }
        assert_eq!(answer("not a view", &q("limit=1")), None);
    }

    #[test]
    fn a_read_parses_only_the_comments_it_returns() {
        let mut log = log(RECENT_SIZE as u64);
        let mut text = RecentView::build(&mut log, 0)
            .expect("build")
            .encode()
            .expect("encode");
        // Spoil every comment but the newest: a `limit=1` read never looks at them.
        let last = text.rfind('\n').expect("lines");
        let (older, newest) = text.split_at(last);
        text = older.replace("{\"id\"", "{\"broken\"") + newest;
        let page = answer(&text, &q("limit=1")).expect("answered from the newest line alone");
        assert_eq!(page.comments.len(), 1);
        assert_eq!(
            answer(&text, &q("limit=2")),
            None,
            "a spoiled line is parsed and refused"
        );
    }
}
