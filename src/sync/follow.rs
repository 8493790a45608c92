//! Following the stream: the live channel while it works, 5 s fresh polls when it does not.
//!
//! One loop does it all, one request or one socket at a time, reading one inbox (wake-ups,
//! frames, closes) in order. Both paths move the same cursor only on what arrived, so a
//! switch either way loses nothing and shows nothing twice.

use leptos::prelude::*;
use saywhatwant_wire::{Comment, CommentsPage, Cursor};

use super::Stream;
use crate::browser::{is_online, is_visible, now_ms, origin, random};
use crate::model::poll::{Clock, Next, Poller};
use crate::model::push::{live_url, AfterClose, Push, Tick, Via};
use crate::sync::codec;
use crate::sync::inbox::{Inbox, Signal, Wait};
use crate::sync::socket::Socket;
use crate::sync::wake;

/// The open live channel and its number.
struct Open {
    socket: Socket,
    number: u32,
}

impl Stream {
    pub(super) async fn follow(self, inbox: Inbox) {
        let _listeners = wake::Listeners::attach(&self.0.inbox);
        let mut poller = Poller::new();
        let mut clock = Clock::default();
        let mut push = Push::new(self.0.settings.push);
        let mut open: Option<Open> = None;
        let mut sockets = 0u32;
        while self.alive() {
            let channel = self.0.state.lens.try_with_untracked(|l| l.channel);
            let kind = channel.and_then(|c| c.message_type());
            if poller.set_channel(kind) {
                // Another channel: its own bulk load, then its own socket.
                open = None;
                self.set_channel(None);
            }
            if let Some(o) = &open {
                let wait = push.next_tick_ms(now_ms());
                match inbox.sleep_or_wake(wait).await {
                    Wait::Closed => break,
                    Wait::Woken(Signal::Frame(n, text)) if n == o.number => {
                        push.heard(now_ms());
                        let Some(json) = codec::parse(&text) else {
                            continue;
                        };
                        if let Some(page) = codec::page(&json) {
                            poller.on_page(&page);
                            self.heard(&page);
                            self.arrived(page, &poller, Via::Push);
                        } else if let Some(n) = codec::presence(&json) {
                            self.0.state.online.try_set(Some(n));
                        } else if let Some(ack) = codec::ack(&json) {
                            self.acked(ack);
                        }
                    }
                    Wait::Woken(Signal::Closed(n, code)) if n == o.number => {
                        open = None;
                        self.channel_lost(&mut push, &mut poller, &mut clock, code);
                    }
                    // The network went: an open socket may not notice for a while.
                    Wait::Woken(Signal::Poke) if !is_online() => {
                        open = None;
                        self.channel_lost(&mut push, &mut poller, &mut clock, 1006);
                    }
                    Wait::Woken(_) => {}
                    Wait::Slept => match push.tick(now_ms()) {
                        Tick::Nothing => {}
                        Tick::Ping => o.socket.ping(),
                        Tick::Dead => {
                            open = None;
                            self.channel_lost(&mut push, &mut poller, &mut clock, 1006);
                        }
                    },
                }
                continue;
            }
            let settings = &self.0.settings;
            if clock.due_in_ms(&poller, settings, is_visible(), now_ms()) == 0 {
                let next = self.poll(&mut poller).await;
                if !self.alive() {
                    break;
                }
                match next {
                    Next::Later => clock.polled(now_ms(), random()),
                    Next::Now => {
                        clock.poll_now();
                        continue;
                    }
                    // The channel sends what follows the cursor: no poll before it opens. If it
                    // fails, the clock (left due) makes that poll.
                    Next::CatchUp => {
                        clock.poll_now();
                        if !(poller.cursor().is_some() && push.may_open(now_ms())) {
                            continue;
                        }
                    }
                }
            }
            if poller.cursor().is_some() && push.may_open(now_ms()) {
                sockets += 1;
                let query = poller.query(&self.0.settings).to_query_string();
                let url = live_url(&origin(), &self.0.settings.api_base, &query);
                match Socket::open(&url, &self.0.inbox, sockets) {
                    Some(socket) => {
                        push.opened(now_ms());
                        self.set_channel(Some(socket.handle()));
                        open = Some(Open {
                            socket,
                            number: sockets,
                        });
                        continue;
                    }
                    None => {
                        push.closed(now_ms(), 1006, random());
                    }
                }
            }
            // Back to the channel as soon as it may be tried, if that comes before the next poll.
            let retry = push
                .retry_in_ms(now_ms())
                .filter(|_| poller.cursor().is_some());
            if !self.wait(&poller, &mut clock, retry, &inbox).await {
                break;
            }
        }
    }

    /// One request: the bulk load or a fresh poll.
    async fn poll(&self, poller: &mut Poller) -> Next {
        let query = poller.query(&self.0.settings);
        let next = match self.0.api.comments(&query).await {
            Ok(page) => {
                let following = poller.cursor().is_some();
                let next = poller.on_page(&page);
                if following {
                    self.heard(&page);
                } else {
                    self.0.caught_up.set(false);
                }
                self.arrived(page, poller, Via::Poll);
                next
            }
            Err(e) if e.is_cursor_expired() => poller.on_cursor_expired(),
            Err(e) => {
                web_sys::console::warn_1(&format!("poll failed: {e} {}", e.detail()).into());
                poller.on_failure();
                self.show(poller, Via::Poll);
                Next::Later
            }
        };
        // Relative times ("5m") are measured against this; an answer is a fine clock tick.
        self.0.state.now.try_set(now_ms());
        next
    }

    /// An answer or a frame: its comments, the stream's total (the cursor `s<n>` counts the
    /// comments before it), and how the page is current.
    fn arrived(&self, page: CommentsPage, poller: &Poller, via: Via) {
        if let Some(Ok(Cursor::Seq(total))) = page.cursor.as_deref().map(Cursor::parse) {
            self.0.state.counts.try_update(|c| c.1 = Some(total));
        }
        self.receive(page.comments);
        self.drop_removed(page.removed);
        self.show(poller, via);
    }

    /// Tells the view which comments of a page that follows the cursor the reader has not seen:
    /// none of the first load's or of the catch-up right after it (they were posted before the
    /// reader came), none already shown, none of the reader's own posts. A catch-up after a
    /// drop does count: those came while the page was away.
    fn heard(&self, page: &CommentsPage) {
        let caught_up = self
            .0
            .caught_up
            .replace(self.0.caught_up.get() || !page.has_more);
        if !caught_up {
            return;
        }
        let s = &self.0.state;
        let fresh: Vec<Comment> = page
            .comments
            .iter()
            .filter(|c| {
                s.timeline
                    .try_with_untracked(|t| t.find(&c.id).is_none())
                    .unwrap_or(false)
                    && s.outbox
                        .try_with_untracked(|o| o.iter().all(|p| p.id != c.id))
                        .unwrap_or(false)
            })
            .cloned()
            .collect();
        if !fresh.is_empty() {
            s.arrivals.try_set(fresh);
        }
    }

    fn show(&self, poller: &Poller, via: Via) {
        self.0.state.status.try_set(poller.status());
        self.0.state.via.try_set(via);
    }

    /// The channel closed or went silent: poll from the cursor (when the clock says), try the
    /// channel again later.
    fn channel_lost(&self, push: &mut Push, poller: &mut Poller, clock: &mut Clock, code: u16) {
        // Only the channel says how many are reading.
        self.0.state.online.try_set(None);
        self.set_channel(None);
        match push.closed(now_ms(), code, random()) {
            AfterClose::Poll => {}
            // The next poll is an interval away; the socket comes back well before it.
            AfterClose::Reconnect => clock.polled(now_ms(), random()),
            AfterClose::CatchUp => clock.poll_now(),
            AfterClose::Reload => {
                poller.on_cursor_expired();
                clock.poll_now();
            }
        }
        self.show(poller, Via::Poll);
    }

    /// Waits until the next poll is due, or `at_most` (the channel may be tried then). A tab
    /// hidden while waiting waits for the hidden interval; being shown again or coming back
    /// online polls at once. False when the stream is stopping.
    async fn wait(
        &self,
        poller: &Poller,
        clock: &mut Clock,
        at_most: Option<u32>,
        inbox: &Inbox,
    ) -> bool {
        let settings = &self.0.settings;
        let started = now_ms();
        let until = |clock: &Clock, now: u64| {
            let due = clock.due_in_ms(poller, settings, is_visible(), now);
            let waited = now.saturating_sub(started).min(u64::from(u32::MAX)) as u32;
            at_most.map_or(due, |m| due.min(m.saturating_sub(waited)))
        };
        let mut delay = until(clock, started);
        while delay > 0 {
            match inbox.sleep_or_wake(delay).await {
                Wait::Closed => return false,
                Wait::Woken(Signal::Poke) => {
                    clock.poll_now();
                    break;
                }
                // A late signal of a channel already given up: nothing to do.
                Wait::Woken(_) => {}
                Wait::Slept => {}
            }
            delay = until(clock, now_ms());
        }
        // Several wake-ups while asleep still mean one request.
        inbox.clear();
        true
    }
}
