//! What the follow loop asks next, and when (the live channel's side is `push.rs`).
//!
//! The cursor only ever moves forward on an answer that arrived: a failed request leaves it
//! where it was, so the next successful poll brings everything missed in between, once.

use saywhatwant_wire::{backoff_ms, CommentsPage, CommentsQuery, Cursor, MessageType};

use crate::config::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing has answered yet.
    Connecting,
    Live,
    /// The last request failed; retrying with back-off.
    Offline,
}

impl Status {
    /// The `data-state` of `[data-testid=connection-status]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Connecting => "connecting",
            Status::Live => "live",
            Status::Offline => "offline",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// No server position known yet: the next request is the (cached) bulk load.
    Bulk,
    /// Fresh polls after this cursor (`None`: the server gave none; ask for the newest).
    Poll(Option<String>),
}

/// What to do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// More is waiting (`hasMore`): ask again at once.
    Now,
    /// The (cached) bulk load just set the cursor: catch up from the source of truth at once,
    /// by a fresh poll or by the live channel, which sends what follows the cursor.
    CatchUp,
    /// Wait for the next interval (or back-off).
    Later,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poller {
    phase: Phase,
    /// The poll's `type`: the channel the reader chose (`None`: both).
    channel: Option<MessageType>,
    failures: u32,
    status: Status,
}

impl Default for Poller {
    fn default() -> Self {
        Self::new()
    }
}

impl Poller {
    pub fn new() -> Self {
        Poller {
            phase: Phase::Bulk,
            channel: None,
            failures: 0,
            status: Status::Connecting,
        }
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The cursor the next poll sends (`None` before the bulk load and when the server gave none).
    pub fn cursor(&self) -> Option<&str> {
        match &self.phase {
            Phase::Poll(c) => c.as_deref(),
            Phase::Bulk => None,
        }
    }

    /// Another channel starts over with a bulk load: a cursor of one channel has moved past
    /// what that channel did not ask for, which a wider channel would then never get. True
    /// when the channel changed.
    pub fn set_channel(&mut self, channel: Option<MessageType>) -> bool {
        let changed = channel != self.channel;
        if changed {
            self.channel = channel;
            self.phase = Phase::Bulk;
        }
        changed
    }

    pub fn query(&self, s: &Settings) -> CommentsQuery {
        let mut q = self.query_all(s);
        q.message_type = self.channel;
        q
    }

    fn query_all(&self, s: &Settings) -> CommentsQuery {
        match &self.phase {
            Phase::Bulk => CommentsQuery {
                limit: s.bulk_limit,
                ..CommentsQuery::default()
            },
            Phase::Poll(cursor) => CommentsQuery {
                limit: s.poll_limit,
                // A cursor the server gave is always valid; one that does not parse is better
                // dropped (the newest page then) than sent to be refused forever.
                after: cursor.as_deref().and_then(|c| Cursor::parse(c).ok()),
                fresh: true,
                ..CommentsQuery::default()
            },
        }
    }

    pub fn on_page(&mut self, page: &CommentsPage) -> Next {
        self.failures = 0;
        self.status = Status::Live;
        match &mut self.phase {
            Phase::Bulk => {
                self.phase = Phase::Poll(page.cursor.clone());
                // The cache may be a minute old: catch up from the source of truth at once.
                Next::CatchUp
            }
            Phase::Poll(cursor) => {
                let had_cursor = cursor.is_some();
                let moved = page.cursor.is_some() && page.cursor != *cursor;
                if moved {
                    cursor.clone_from(&page.cursor);
                }
                // Without `after`, hasMore speaks of older comments, which polling never wants;
                // and a cursor that did not move would only ask the same question again.
                if had_cursor && page.has_more && moved {
                    Next::Now
                } else {
                    Next::Later
                }
            }
        }
    }

    /// The cursor fell too far behind for the server to page from it: load the newest again.
    pub fn on_cursor_expired(&mut self) -> Next {
        self.phase = Phase::Bulk;
        Next::Now
    }

    pub fn on_failure(&mut self) {
        self.failures = self.failures.saturating_add(1);
        self.status = Status::Offline;
    }

    /// How long to wait before the next request. `jitter` in `[0, 1)` spreads the retries of
    /// many tabs that lost the server at the same moment.
    pub fn delay_ms(&self, s: &Settings, visible: bool, jitter: f64) -> u32 {
        let base = backoff_ms(
            u64::from(s.poll_interval_ms),
            u64::from(s.max_backoff_ms),
            self.failures,
            jitter,
        ) as u32;
        if visible {
            base
        } else {
            base.max(s.hidden_interval_ms)
        }
    }
}

/// When the next fresh poll is due: one clock for the page, whatever the live channel does.
/// Socket attempts and their failures never bring a poll forward; only a poll moves the clock
/// (and the reader's own wake-ups, or paging that must go on, ask for one at once). So while
/// the channel is down the page polls once every interval, not once per failed socket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// When the last poll was made (`None`: poll at once).
    polled_at: Option<u64>,
    /// This interval's share of the back-off jitter, drawn once per poll.
    jitter: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            polled_at: None,
            jitter: 0.0,
        }
    }
}

impl Clock {
    pub fn polled(&mut self, now: u64, jitter: f64) {
        self.polled_at = Some(now);
        self.jitter = jitter;
    }

    /// Poll at the next turn (more to page, the reader came back, the channel says "behind").
    pub fn poll_now(&mut self) {
        self.polled_at = None;
    }

    /// How long until the next poll (0: due), for a tab that is `visible` now: hiding a tab
    /// stretches the wait in progress, showing it shortens it.
    pub fn due_in_ms(&self, poller: &Poller, s: &Settings, visible: bool, now: u64) -> u32 {
        self.polled_at.map_or(0, |at| {
            let due = at + u64::from(poller.delay_ms(s, visible, self.jitter));
            due.saturating_sub(now).min(u64::from(u32::MAX)) as u32
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_is_the_polls_type_and_changing_it_starts_over() {
        let s = Settings::default();
        let mut p = Poller::new();
        assert_eq!(p.query(&s).message_type, None);
        p.set_channel(Some(MessageType::Ai));
        let page = CommentsPage {
            comments: vec![],
            has_more: false,
            cursor: Some("5".into()),
            source: saywhatwant_wire::Source::Cache,
            removed: vec![],
        };
        p.on_page(&page);
        let q = p.query(&s);
        assert_eq!(q.message_type, Some(MessageType::Ai));
        assert!(q.after.is_some() && q.fresh);
        assert!(q.to_query_string().contains("type=AI"));
        p.set_channel(Some(MessageType::Ai));
        assert!(p.query(&s).after.is_some(), "same channel: same cursor");
        p.set_channel(None);
        let q = p.query(&s);
        assert_eq!((q.after, q.message_type, q.fresh), (None, None, false));
    }
    use saywhatwant_wire::Source;

    fn page(cursor: Option<&str>, has_more: bool) -> CommentsPage {
        CommentsPage {
            comments: vec![],
            has_more,
            cursor: cursor.map(str::to_owned),
            source: Source::Fresh,
            removed: vec![],
        }
    }

    #[test]
    fn starts_with_a_cached_bulk_load_then_polls_fresh_from_its_cursor() {
        let s = Settings::default();
        let mut p = Poller::new();
        assert_eq!(p.status(), Status::Connecting);
        assert_eq!(p.query(&s).to_query_string(), "limit=200");
        assert_eq!(
            p.on_page(&page(Some("1761239864515:abc"), true)),
            Next::CatchUp
        );
        assert_eq!(p.status(), Status::Live);
        assert_eq!(
            p.query(&s).to_query_string(),
            "limit=200&after=1761239864515:abc&fresh=true"
        );
    }

    #[test]
    fn each_answer_moves_the_cursor_and_has_more_asks_again_at_once() {
        let mut p = Poller::new();
        p.on_page(&page(Some("100"), false));
        assert_eq!(p.on_page(&page(Some("200:x"), true)), Next::Now);
        assert_eq!(p.cursor(), Some("200:x"));
        assert_eq!(p.on_page(&page(Some("300:y"), false)), Next::Later);
        assert_eq!(p.cursor(), Some("300:y"));
        assert_eq!(
            p.on_page(&page(Some("300:y"), true)),
            Next::Later,
            "a stuck cursor never spins"
        );
    }

    #[test]
    fn a_failed_poll_keeps_the_cursor() {
        let mut p = Poller::new();
        p.on_page(&page(Some("100"), false));
        p.on_failure();
        p.on_failure();
        assert_eq!(p.cursor(), Some("100"));
        assert_eq!(p.status(), Status::Offline);
        p.on_page(&page(Some("150:a"), false));
        assert_eq!(
            (p.cursor(), p.status(), p.failures()),
            (Some("150:a"), Status::Live, 0)
        );
    }

    #[test]
    fn a_missing_cursor_polls_the_newest_and_keeps_what_it_had() {
        let s = Settings::default();
        let mut p = Poller::new();
        p.on_page(&page(None, true));
        assert_eq!(p.query(&s).to_query_string(), "limit=200&fresh=true");
        assert_eq!(
            p.on_page(&page(None, true)),
            Next::Later,
            "hasMore without after is about older comments"
        );
        p.on_page(&page(Some("5:a"), false));
        p.on_page(&page(None, false));
        assert_eq!(p.cursor(), Some("5:a"));
    }

    #[test]
    fn an_expired_cursor_goes_back_to_a_bulk_load() {
        let s = Settings::default();
        let mut p = Poller::new();
        p.on_page(&page(Some("100"), false));
        assert_eq!(p.on_cursor_expired(), Next::Now);
        assert_eq!(p.query(&s).to_query_string(), "limit=200");
        assert_eq!(p.cursor(), None);
    }

    #[test]
    fn backs_off_up_to_the_cap_and_recovers() {
        let s = Settings::default();
        let mut p = Poller::new();
        assert_eq!(p.delay_ms(&s, true, 0.5), 5_000);
        let mut seen = vec![];
        for _ in 0..8 {
            p.on_failure();
            seen.push(p.delay_ms(&s, true, 1.0));
        }
        assert_eq!(
            seen,
            [5_000, 10_000, 20_000, 30_000, 30_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(p.delay_ms(&s, true, 0.0), 24_000, "jitter only shortens");
        p.on_page(&page(Some("1"), false));
        assert_eq!(p.delay_ms(&s, true, 0.9), 5_000);
    }

    #[test]
    fn a_hidden_tab_polls_at_most_every_30_s() {
        let s = Settings::default();
        let mut p = Poller::new();
        assert_eq!(p.delay_ms(&s, false, 0.0), 30_000);
        for _ in 0..100 {
            p.on_failure();
        }
        assert_eq!(p.delay_ms(&s, false, 1.0), 30_000);
    }

    #[test]
    fn status_names_match_the_page_contract() {
        let names: Vec<_> = [Status::Connecting, Status::Live, Status::Offline]
            .map(Status::as_str)
            .into();
        assert_eq!(names, ["connecting", "live", "offline"]);
    }

    #[test]
    fn the_clock_polls_once_an_interval_whatever_else_happens() {
        let s = Settings::default();
        let p = Poller::new();
        let mut c = Clock::default();
        assert_eq!(c.due_in_ms(&p, &s, true, 1_000), 0, "at first, at once");
        c.polled(1_000, 0.5);
        // Socket attempts at 1 025 and 3 000 ms do not touch it: still 5 s from the last poll.
        assert_eq!(c.due_in_ms(&p, &s, true, 1_025), 4_975);
        assert_eq!(c.due_in_ms(&p, &s, true, 3_000), 3_000);
        assert_eq!(c.due_in_ms(&p, &s, true, 6_000), 0);
        assert_eq!(c.due_in_ms(&p, &s, false, 6_000), 25_000, "hidden: 30 s");
        c.poll_now();
        assert_eq!(c.due_in_ms(&p, &s, true, 6_001), 0);
    }
}
