//! When the page holds the live channel, and what it does when the channel fails.
//!
//! The channel is a WebSocket to a relay near the reader: it sends what follows the page's
//! cursor and then every round of comments as the log commits them. While it is open the page does not poll. When it
//! cannot open, drops, or goes silent, the page falls back at once to the 5 s polls from the
//! same cursor and tries the channel again later, with back-off and jitter: a cursor only
//! moves on what arrived, so no switch loses or repeats a comment.
//!
//! A hidden tab keeps its channel, and opens it again when it drops: a hibernating socket
//! costs the object nothing between frames, where the hidden tab's 30 s polls would each be a
//! request and a read (issue 16). Browsers throttle a hidden tab's timers to about one a minute;
//! the keep-alive and silence rules ([`PING_EVERY_MS`], [`SILENT_MS`] and the server's idle
//! close) leave room for that.

use saywhatwant_wire::backoff_ms;
pub use saywhatwant_wire::live::{
    CLOSE_BEHIND, CLOSE_RESTART, CLOSE_UNKNOWN_CURSOR, PING_EVERY_MS, RESTART_SPREAD_MS, SILENT_MS,
};

/// How often a long-hidden tab's timers run at worst (Chromium's intensive throttling).
const THROTTLED_TICK_MS: u64 = 60_000;
// Each throttled tick pings, and a tick a minute is inside both silence limits.
const _: () = assert!(
    THROTTLED_TICK_MS >= PING_EVERY_MS
        && THROTTLED_TICK_MS < SILENT_MS
        && THROTTLED_TICK_MS < saywhatwant_wire::live::IDLE_AFTER_MS
);
const FIRST_RETRY_MS: u64 = 2_000;
const LONGEST_RETRY_MS: u64 = 60_000;

/// How the page is current: `data-channel` of the connection status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Push,
    Poll,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Push => "push",
            Via::Poll => "poll",
        }
    }
}

/// What to do after the channel closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterClose {
    /// Poll from the cursor when the poll clock says (at once if the channel was up longer
    /// than an interval: the last poll is that old).
    Poll,
    /// Too far behind for the channel: poll now, paging, then come back.
    CatchUp,
    /// The cursor is not from this stream (it was reset): load the newest again.
    Reload,
    /// The service restarted: reconnect after the spread wait, polling only if that fails
    /// (every page at once on the log would be a storm; the relay resumes from the cursor).
    Reconnect,
}

/// What the open channel needs at a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    Nothing,
    Ping,
    /// Silent too long: give it up as failed.
    Dead,
}

#[derive(Debug, Clone)]
pub struct Push {
    enabled: bool,
    failures: u32,
    retry_at: u64,
    heard: u64,
    pinged: u64,
}

impl Push {
    /// `enabled: false` is polling only (the page's `?push=off`, and browsers without
    /// WebSockets).
    pub fn new(enabled: bool) -> Self {
        Push {
            enabled,
            failures: 0,
            retry_at: 0,
            heard: 0,
            pinged: 0,
        }
    }

    /// Whether to open the channel now (hidden or not).
    pub fn may_open(&self, now: u64) -> bool {
        self.enabled && now >= self.retry_at
    }

    /// While polling: how long until the channel may be tried again (`None`: not to be tried).
    pub fn retry_in_ms(&self, now: u64) -> Option<u32> {
        self.enabled
            .then(|| self.retry_at.saturating_sub(now).min(u64::from(u32::MAX)) as u32)
    }

    pub fn opened(&mut self, now: u64) {
        self.heard = now;
        self.pinged = now;
    }

    /// A frame or a pong arrived: the channel works.
    pub fn heard(&mut self, now: u64) {
        self.heard = now;
        self.failures = 0;
    }

    /// The channel closed (or failed to open) with `code`; `jitter` in `[0, 1)`.
    pub fn closed(&mut self, now: u64, code: u16, jitter: f64) -> AfterClose {
        match code {
            // Behind: catch up by polling (which pages), then come straight back.
            CLOSE_BEHIND => self.retry_at = now,
            // Not a failure of the channel: each page comes back at its own moment.
            CLOSE_RESTART => self.retry_at = now + (jitter * RESTART_SPREAD_MS as f64) as u64,
            _ => {
                self.failures = self.failures.saturating_add(1);
                self.retry_at =
                    now + backoff_ms(FIRST_RETRY_MS, LONGEST_RETRY_MS, self.failures, jitter);
            }
        }
        match code {
            CLOSE_UNKNOWN_CURSOR => AfterClose::Reload,
            CLOSE_BEHIND => AfterClose::CatchUp,
            CLOSE_RESTART => AfterClose::Reconnect,
            _ => AfterClose::Poll,
        }
    }

    pub fn tick(&mut self, now: u64) -> Tick {
        if now.saturating_sub(self.heard) >= SILENT_MS {
            return Tick::Dead;
        }
        // Only after silence: while frames flow the socket is plainly alive (issue 16).
        if now.saturating_sub(self.pinged.max(self.heard)) >= PING_EVERY_MS {
            self.pinged = now;
            return Tick::Ping;
        }
        Tick::Nothing
    }

    /// How long until the next tick is worth making.
    pub fn next_tick_ms(&self, now: u64) -> u32 {
        let until = |t: u64| t.saturating_sub(now);
        let next = until(self.pinged.max(self.heard) + PING_EVERY_MS)
            .min(until(self.heard + SILENT_MS))
            .max(1_000);
        next.min(u64::from(u32::MAX)) as u32
    }
}

/// The channel's address: the API base (`/api` or `https://…/api`) on `origin`, as ws(s).
pub fn live_url(origin: &str, api_base: &str, query: &str) -> String {
    let base = if api_base.starts_with("http") {
        api_base.to_owned()
    } else {
        format!("{origin}{api_base}")
    };
    saywhatwant_wire::live::live_url(&base, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_channel_is_retried_with_growing_jittered_waits() {
        let mut p = Push::new(true);
        assert!(p.may_open(0), "hidden or shown");
        let mut waits = Vec::new();
        for _ in 0..7 {
            assert_eq!(p.closed(1_000, 1006, 1.0), AfterClose::Poll);
            waits.push(p.retry_at - 1_000);
        }
        assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
        p.closed(1_000, 1006, 0.0);
        assert_eq!(p.retry_at - 1_000, 48_000, "jitter only shortens");
        assert!(!p.may_open(40_000) && p.may_open(49_000));
        assert_eq!(p.retry_in_ms(40_000), Some(9_000));
        assert_eq!(Push::new(false).retry_in_ms(0), None);
        // Once frames flow again, the next failure starts small.
        p.opened(50_000);
        p.heard(50_001);
        p.closed(60_000, 1006, 1.0);
        assert_eq!(p.retry_at, 62_000);
    }

    #[test]
    fn after_a_restart_pages_come_back_spread_out_and_without_a_poll() {
        let mut p = Push::new(true);
        p.opened(0);
        p.heard(1);
        let at: Vec<u64> = [0.0, 0.5, 0.999]
            .iter()
            .map(|&j| {
                assert_eq!(p.closed(10_000, CLOSE_RESTART, j), AfterClose::Reconnect);
                p.retry_at - 10_000
            })
            .collect();
        assert_eq!(at, [0, 2_500, 4_995]);
        // Not counted as a failure: a later drop starts its back-off small.
        assert_eq!(p.closed(20_000, 1006, 1.0), AfterClose::Poll);
        assert_eq!(p.retry_at, 22_000);
    }

    #[test]
    fn behind_comes_back_at_once_and_a_foreign_cursor_reloads() {
        let mut p = Push::new(true);
        assert_eq!(p.closed(5_000, CLOSE_BEHIND, 0.5), AfterClose::CatchUp);
        assert!(p.may_open(5_000));
        assert_eq!(
            p.closed(5_000, CLOSE_UNKNOWN_CURSOR, 0.5),
            AfterClose::Reload
        );
        assert!(!Push::new(false).may_open(0), "switched off");
    }

    #[test]
    fn pings_keep_it_alive_and_silence_kills_it() {
        let mut p = Push::new(true);
        p.opened(0);
        assert_eq!(p.tick(10_000), Tick::Nothing);
        assert_eq!(p.next_tick_ms(10_000), 20_000);
        assert_eq!(p.tick(30_000), Tick::Ping);
        p.heard(30_010);
        assert_eq!(p.tick(59_000), Tick::Nothing);
        assert_eq!(p.tick(105_010), Tick::Dead, "75 s of silence");
    }

    #[test]
    fn frames_that_keep_coming_mean_no_ping_at_all() {
        let mut p = Push::new(true);
        p.opened(0);
        for second in 1..=600u64 {
            p.heard(second * 1_000);
            assert_eq!(p.tick(second * 1_000 + 500), Tick::Nothing, "at {second} s");
        }
        // Then silence: a ping 30 s after the last frame.
        assert_eq!(p.next_tick_ms(600_500), 29_500);
        assert_eq!(p.tick(630_000), Tick::Ping);
    }

    #[test]
    fn a_hidden_tab_throttled_to_a_tick_a_minute_keeps_its_channel() {
        // Chromium wakes a long-hidden tab's timers about once a minute, on the minute.
        let mut p = Push::new(true);
        p.opened(0);
        let mut pings = 0;
        for minute in 1..=60u64 {
            let now = minute * THROTTLED_TICK_MS;
            match p.tick(now) {
                Tick::Ping => {
                    pings += 1;
                    // The runtime answers the ping at once, even for a hidden tab.
                    p.heard(now + 50);
                }
                t => assert_eq!(t, Tick::Nothing, "minute {minute}"),
            }
        }
        assert_eq!(
            pings, 60,
            "a ping each wake-up: the server hears one within its idle limit"
        );
        // The machine slept for an hour: the first tick after it gives the channel up, so the
        // page polls from its cursor at once and opens a new one.
        let woke = 60 * THROTTLED_TICK_MS + 3_600_000;
        assert_eq!(p.next_tick_ms(woke), 1_000);
        assert_eq!(p.tick(woke), Tick::Dead);
    }

    #[test]
    fn the_channel_lives_beside_the_api() {
        assert_eq!(
            live_url("http://127.0.0.1:8080", "/api", "after=s5"),
            "ws://127.0.0.1:8080/api/comments/live?after=s5"
        );
        assert_eq!(
            live_url("http://x", "https://api.example.org/api", "type=AI"),
            "wss://api.example.org/api/comments/live?type=AI"
        );
    }
}
