//! Readers online (issue 16): how many pages are open on the stream, the relays' sockets
//! summed by the log and pushed to every socket when the sum changes, at most every
//! [`ONLINE_EVERY_MS`].
//!
//! Counts reach the log for free in each relay's answer to a round; a relay whose sockets
//! changed while no round came reports by itself (its alarm, [`ONLINE_EVERY_MS`] after the
//! change). The sum leaves the log on the next round when one is going anyway, else on an
//! empty round of its own: while comments flow, readers online costs no request at all.

use saywhatwant_wire::live::ONLINE_EVERY_MS;

/// What the log last pushed, and when.
#[derive(Debug, Default)]
pub struct Online {
    sent: Option<u64>,
    at: Option<u64>,
    /// A push waits for its turn until then (one waiter at a time; it sends the sum as it is
    /// then). A waiter that never came back (its request was cancelled) stops counting a
    /// second after its turn.
    waiting: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Nothing,
    /// Push this sum now.
    Now(u64),
    /// Wait this many ms, then ask [`Online::waited`].
    In(u64),
}

impl Online {
    fn next(&self) -> u64 {
        self.at.map_or(0, |a| a + ONLINE_EVERY_MS)
    }

    fn mark(&mut self, sum: u64, now: u64) -> u64 {
        self.sent = Some(sum);
        self.at = Some(now);
        sum
    }

    /// The sum is `sum` at `now` (a relay reported): whether and when to push it.
    pub fn due(&mut self, sum: u64, now: u64) -> Due {
        let waiting = self.waiting.is_some_and(|until| now < until + 1_000);
        if waiting || self.sent == Some(sum) {
            return Due::Nothing;
        }
        if now >= self.next() {
            return Due::Now(self.mark(sum, now));
        }
        self.waiting = Some(self.next());
        Due::In(self.next() - now)
    }

    /// The wait is over: the sum to push, unless a round carried it meanwhile.
    pub fn waited(&mut self, sum: u64, now: u64) -> Option<u64> {
        self.waiting = None;
        (self.sent != Some(sum)).then(|| self.mark(sum, now))
    }

    /// A round is leaving anyway: the sum it should carry, if one is due.
    pub fn ride(&mut self, sum: u64, now: u64) -> Option<u64> {
        (self.sent != Some(sum) && now >= self.next()).then(|| self.mark(sum, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_goes_at_once_then_at_most_every_few_seconds() {
        let mut o = Online::default();
        assert_eq!(o.due(3, 1_000), Due::Now(3));
        assert_eq!(o.due(3, 1_500), Due::Nothing, "no change, no push");
        assert_eq!(o.due(4, 2_000), Due::In(ONLINE_EVERY_MS - 1_000));
        // Others report while it waits: the waiter sends the sum as it is then.
        assert_eq!(o.due(5, 2_500), Due::Nothing);
        assert_eq!(o.waited(6, 1_000 + ONLINE_EVERY_MS), Some(6));
        assert_eq!(o.due(6, 7_000), Due::Nothing);
    }

    #[test]
    fn a_waiter_that_never_came_back_does_not_block_the_next_change() {
        let mut o = Online::default();
        assert_eq!(o.due(1, 0), Due::Now(1));
        assert_eq!(o.due(2, 100), Due::In(ONLINE_EVERY_MS - 100));
        assert_eq!(
            o.due(3, ONLINE_EVERY_MS),
            Due::Nothing,
            "its turn: it is sending"
        );
        assert_eq!(o.due(3, ONLINE_EVERY_MS + 1_500), Due::Now(3));
    }

    #[test]
    fn a_round_carries_the_sum_when_it_is_due_and_the_waiter_then_sends_nothing() {
        let mut o = Online::default();
        assert_eq!(o.ride(2, 0), Some(2));
        assert_eq!(o.ride(3, 100), None, "too soon");
        assert_eq!(o.due(3, 200), Due::In(ONLINE_EVERY_MS - 200));
        assert_eq!(o.ride(3, ONLINE_EVERY_MS), Some(3));
        assert_eq!(o.waited(3, ONLINE_EVERY_MS + 1), None);
        // A change back to what was last sent is no change.
        assert_eq!(o.ride(3, 3 * ONLINE_EVERY_MS), None);
    }
}
