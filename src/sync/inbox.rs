//! The follow loop's inbox: what the socket and the page's listeners tell it, read in order.
//!
//! A queue and one waker, by hand: `futures`' channel and `select` cost the page more than
//! this does, and the loop is the only reader, on the page's one thread.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use gloo_timers::future::TimeoutFuture;

/// What arrives in the stream's inbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// The tab was shown, the network came back, or the reader chose another channel.
    Poke,
    /// A frame from live channel number `.0` (a comments page as JSON text, or "pong").
    Frame(u32, String),
    /// Live channel number `.0` closed, with its close code.
    Closed(u32, u16),
    /// The answer to a post on the channel, to the post waiting for it (`posting.rs`).
    Acked(Box<saywhatwant_wire::live::Ack>),
}

pub enum Wait {
    Slept,
    Woken(Signal),
    /// The inbox is closed: the page is going away.
    Closed,
}

#[derive(Default)]
struct Queue {
    signals: VecDeque<Signal>,
    closed: bool,
    /// The loop, when it is waiting.
    waiting: Option<Waker>,
}

/// Every sender holds a clone; the follow loop reads it.
#[derive(Clone, Default)]
pub struct Inbox(Rc<RefCell<Queue>>);

impl Inbox {
    /// Adds `signal` and wakes the loop; after [`Inbox::close`], nothing more is kept.
    pub fn send(&self, signal: Signal) {
        let mut q = self.0.borrow_mut();
        if !q.closed {
            q.signals.push_back(signal);
            q.wake();
        }
    }

    /// The loop reads what is queued, then [`Wait::Closed`].
    pub fn close(&self) {
        let mut q = self.0.borrow_mut();
        q.closed = true;
        q.wake();
    }

    /// Whether `other` is this inbox (a clone of it).
    pub fn same(&self, other: &Inbox) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Forgets what is queued: several wake-ups while asleep still mean one request.
    pub fn clear(&self) {
        self.0.borrow_mut().signals.clear();
    }

    /// Sleeps `ms`, or less when something arrives.
    pub async fn sleep_or_wake(&self, ms: u32) -> Wait {
        let mut timer = TimeoutFuture::new(ms);
        poll_fn(|cx| {
            let mut q = self.0.borrow_mut();
            if let Some(signal) = q.signals.pop_front() {
                return Poll::Ready(Wait::Woken(signal));
            }
            if q.closed {
                return Poll::Ready(Wait::Closed);
            }
            if Pin::new(&mut timer).poll(cx).is_ready() {
                return Poll::Ready(Wait::Slept);
            }
            q.waiting = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

impl Queue {
    fn wake(&mut self) {
        if let Some(w) = self.waiting.take() {
            w.wake();
        }
    }
}
