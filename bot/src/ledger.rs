//! What the bot has done with each comment: answered (remembered up to a bound, oldest
//! forgotten first; the `processed` flag covers what it forgets), or failed and when to try
//! again. A comment that keeps failing is given up after [`MAX_ATTEMPTS`] so one poison
//! comment can never hold the bot or run up model calls.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use saywhatwant_wire::Comment;

/// Ids remembered as done.
pub const MAX_DONE: usize = 10_000;
/// Comments waiting for a retry at once.
pub const MAX_FAILING: usize = 1_000;
pub const MAX_ATTEMPTS: u32 = 5;
const FIRST_RETRY: Duration = Duration::from_secs(3);
const LONGEST_RETRY: Duration = Duration::from_secs(300);

struct Failing {
    comment: Comment,
    attempts: u32,
    next_try: Instant,
}

#[derive(Default)]
pub struct Ledger {
    done: HashSet<String>,
    order: VecDeque<String>,
    failing: HashMap<String, Failing>,
}

/// What became of a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Tried again at this time (from now).
    RetryIn(Duration),
    /// Too many attempts: skipped for good.
    GaveUp,
}

impl Ledger {
    pub fn is_done(&self, id: &str) -> bool {
        self.done.contains(id)
    }

    /// Whether the comment should be tried now (not done, not waiting for a retry).
    pub fn is_due(&self, id: &str, now: Instant) -> bool {
        !self.is_done(id) && self.failing.get(id).is_none_or(|f| f.next_try <= now)
    }

    pub fn done(&mut self, id: &str) {
        self.failing.remove(id);
        if self.done.insert(id.to_owned()) {
            self.order.push_back(id.to_owned());
            while self.order.len() > MAX_DONE {
                if let Some(old) = self.order.pop_front() {
                    self.done.remove(&old);
                }
            }
        }
    }

    /// Records a failed attempt; the delay doubles from 3 s up to 5 minutes.
    pub fn failed(&mut self, comment: &Comment, now: Instant) -> Verdict {
        let attempts = self.failing.get(&comment.id).map_or(0, |f| f.attempts) + 1;
        if attempts >= MAX_ATTEMPTS {
            self.done(&comment.id);
            return Verdict::GaveUp;
        }
        let delay = (FIRST_RETRY * 2u32.pow(attempts - 1)).min(LONGEST_RETRY);
        if self.failing.len() >= MAX_FAILING && !self.failing.contains_key(&comment.id) {
            // Full: the comment gets no retry slot; the next poll that sees it tries again.
            return Verdict::RetryIn(delay);
        }
        self.failing.insert(
            comment.id.clone(),
            Failing {
                comment: comment.clone(),
                attempts,
                next_try: now + delay,
            },
        );
        Verdict::RetryIn(delay)
    }

    /// Keeps a comment for later without counting an attempt (its entity is over a rate
    /// limit): it is handed back by [`Ledger::due_retries`] once `until` has come.
    pub fn defer(&mut self, comment: &Comment, until: Instant) {
        if self.failing.len() >= MAX_FAILING && !self.failing.contains_key(&comment.id) {
            return; // the next poll that sees it tries again
        }
        let attempts = self.failing.get(&comment.id).map_or(0, |f| f.attempts);
        self.failing.insert(
            comment.id.clone(),
            Failing {
                comment: comment.clone(),
                attempts,
                next_try: until,
            },
        );
    }

    /// Comments waiting for a retry or a rate limit.
    pub fn waiting(&self) -> usize {
        self.failing.len()
    }

    /// Failed comments whose retry time has come, oldest first.
    pub fn due_retries(&self, now: Instant) -> Vec<Comment> {
        let mut due: Vec<&Comment> = self
            .failing
            .values()
            .filter(|f| f.next_try <= now)
            .map(|f| &f.comment)
            .collect();
        due.sort_by(|a, b| saywhatwant_wire::chrono_cmp(a, b));
        due.into_iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saywhatwant_wire::MessageType;

    fn c(id: &str) -> Comment {
        Comment {
            id: id.into(),
            text: "t".into(),
            timestamp: 1,
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
    fn failures_back_off_then_give_up() {
        let mut l = Ledger::default();
        let t = Instant::now();
        let poison = c("poison");
        let delays: Vec<Verdict> = (0..MAX_ATTEMPTS).map(|_| l.failed(&poison, t)).collect();
        assert_eq!(
            delays,
            [
                Verdict::RetryIn(Duration::from_secs(3)),
                Verdict::RetryIn(Duration::from_secs(6)),
                Verdict::RetryIn(Duration::from_secs(12)),
                Verdict::RetryIn(Duration::from_secs(24)),
                Verdict::GaveUp,
            ]
        );
        assert!(l.is_done("poison") && !l.is_due("poison", t));
        assert!(l.due_retries(t + LONGEST_RETRY).is_empty());
    }

    #[test]
    fn a_failed_comment_waits_for_its_retry_time() {
        let mut l = Ledger::default();
        let t = Instant::now();
        l.failed(&c("a"), t);
        assert!(!l.is_due("a", t));
        assert!(l.is_due("a", t + Duration::from_secs(3)));
        assert_eq!(l.due_retries(t + Duration::from_secs(3)).len(), 1);
        l.done("a");
        assert!(l.due_retries(t + Duration::from_secs(60)).is_empty());
    }

    #[test]
    fn the_done_set_is_bounded() {
        let mut l = Ledger::default();
        for i in 0..MAX_DONE + 5 {
            l.done(&format!("id{i}"));
        }
        assert!(!l.is_done("id0") && l.is_done(&format!("id{}", MAX_DONE + 4)));
        assert_eq!(l.done.len(), MAX_DONE);
    }
}
