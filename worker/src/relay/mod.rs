//! Relays: the objects that hold the readers' live sockets (`cloudflare/relay.rs`), so the log
//! sends each round of commits once per relay instead of once per socket.
//!
//! The log numbers comments; a [`Round`] says which numbers it covers (`from` → `to`). A relay
//! forwards rounds in that order and keeps its own recent tail, so a reconnecting reader
//! resumes from its cursor at the relay without asking the log. A round that does not start
//! where the relay stands is a gap (the relay missed one): the relay asks the log for what
//! follows its head before it forwards anything. What each socket already has is its `at` (the
//! head when it joined), so nothing reaches a socket twice. Plain Rust, tested natively.

pub mod presence;
pub mod route;

use std::collections::VecDeque;

use saywhatwant_wire::{Comment, CommentsPage, Cursor, Source};
use serde::{Deserialize, Serialize};

use crate::api::Poster;
use crate::log::live::FRAME_SIZE;
use crate::log::Filter;

/// What the log committed together, sent once to every relay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// The log's head before the round: its new comments are numbered above it.
    pub from: u64,
    /// The log's head after it.
    pub to: u64,
    #[serde(default)]
    pub items: Vec<Item>,
    /// Ids taken down.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Readers online, when it changed (`presence.rs`): sent on to every socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<u64>,
}

/// A comment of a round: new (numbered `seq`), or a change to one already sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub seq: u64,
    pub comment: Comment,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub update: bool,
}

/// Rounds leave the log at most this often: a burst of commits goes out together, so a
/// relay's work (and the requests the log makes) follow the clock, not the comment rate. The
/// first commit after a quiet spell goes at once; under load a comment waits 50 ms on average.
pub const ROUND_MS: u64 = 100;

/// How many new comments a relay keeps for resuming sockets, and their text's bytes at most.
pub const TAIL_ITEMS: usize = 2_000;
pub const TAIL_BYTES: usize = 4 * 1024 * 1024;
/// Takedowns remembered for resuming sockets.
const REMOVALS: usize = 1_000;

/// What the relay knows once it has a head: what it has forwarded, and since when its tail
/// can answer a reconnecting socket alone.
#[derive(Debug, Default)]
struct Known {
    head: u64,
    /// The tail holds every new comment numbered above `floor` (up to `head`).
    floor: u64,
    tail: VecDeque<Item>,
    bytes: usize,
    /// Takedowns forwarded, with the head they were forwarded at.
    removed: VecDeque<(String, u64)>,
}

/// What to do with a round that arrived.
#[derive(Debug, PartialEq)]
pub enum Arrival {
    /// Forward this (what is new of the round; possibly nothing).
    Forward(Round),
    /// The relay missed what follows `after`: fetch it from the log first.
    Gap { after: u64 },
}

#[derive(Debug, Default)]
pub struct Relay {
    known: Option<Known>,
}

impl Relay {
    /// The head the relay has forwarded up to, if it knows.
    pub fn head(&self) -> Option<u64> {
        self.known.as_ref().map(|k| k.head)
    }

    /// Starts (again) at `head` with an empty tail: after a wake-up, from what the sockets keep,
    /// or at the log's head when the first socket joins.
    pub fn start_at(&mut self, head: u64) {
        self.known = Some(Known {
            head,
            floor: head,
            ..Known::default()
        });
    }

    /// Forgets everything (a relay whose sockets all went).
    pub fn forget(&mut self) {
        self.known = None;
    }

    /// A round from the log. An unknown relay starts where the round does.
    pub fn arrive(&mut self, round: Round) -> Arrival {
        let known = self.known.get_or_insert_with(|| Known {
            head: round.from,
            floor: round.from,
            ..Known::default()
        });
        if round.from > known.head {
            return Arrival::Gap { after: known.head };
        }
        Arrival::Forward(known.take(round))
    }

    /// What the log answered for a gap (everything after the relay's head): forwarded as is,
    /// less what arrived meanwhile.
    pub fn recovered(&mut self, round: Round) -> Round {
        let known = self.known.get_or_insert_with(Known::default);
        known.take(Round {
            from: known.head.min(round.from),
            ..round
        })
    }

    /// The frames a socket resuming after `cursor` (`None`: from now) is sent from the tail
    /// alone, or `None` when the tail cannot tell (the log must).
    pub fn resume(&self, cursor: Option<&Cursor>, filter: &Filter) -> Option<Vec<CommentsPage>> {
        let k = self.known.as_ref()?;
        let after = match cursor {
            None => k.head,
            Some(Cursor::Seq(n)) if (k.floor..=k.head).contains(n) => *n,
            Some(_) => return None,
        };
        let mut comments: Vec<Comment> = k
            .tail
            .iter()
            .filter(|i| i.seq > after && filter.matches(&i.comment))
            .map(|i| i.comment.clone())
            .collect();
        let mut frames = Vec::new();
        while comments.len() > FRAME_SIZE {
            let rest = comments.split_off(FRAME_SIZE);
            frames.push(page(std::mem::replace(&mut comments, rest), true, k.head));
        }
        let mut last = page(comments, false, k.head);
        last.removed = k
            .removed
            .iter()
            .filter(|(_, at)| *at > after)
            .map(|(id, _)| id.clone())
            .collect();
        frames.push(last);
        Some(frames)
    }
}

impl Known {
    /// Keeps what is new of `round` (new comments above the head, every change and
    /// takedown), in the tail too, and moves the head.
    fn take(&mut self, round: Round) -> Round {
        let head = self.head;
        let items: Vec<Item> = round
            .items
            .into_iter()
            .filter(|i| i.update || i.seq > head)
            .collect();
        for item in &items {
            if item.update {
                if let Some(kept) = self
                    .tail
                    .iter_mut()
                    .find(|t| t.comment.id == item.comment.id)
                {
                    kept.comment = item.comment.clone();
                }
            } else {
                self.bytes += item.comment.text.len();
                self.tail.push_back(item.clone());
            }
        }
        self.head = head.max(round.to);
        for id in &round.removed {
            self.tail.retain(|t| &t.comment.id != id);
            self.removed.push_back((id.clone(), self.head));
        }
        while self.tail.len() > TAIL_ITEMS || self.bytes > TAIL_BYTES {
            let Some(old) = self.tail.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(old.comment.text.len());
            self.floor = self.floor.max(old.seq);
        }
        while self.removed.len() > REMOVALS {
            if let Some((_, at)) = self.removed.pop_front() {
                self.floor = self.floor.max(at);
            }
        }
        Round {
            from: head,
            to: self.head,
            items,
            removed: round.removed,
            online: round.online,
        }
    }
}

fn page(comments: Vec<Comment>, has_more: bool, head: u64) -> CommentsPage {
    CommentsPage {
        comments,
        has_more,
        cursor: Some(Cursor::Seq(head).to_string()),
        source: Source::Fresh,
        removed: Vec::new(),
    }
}

/// The frame of `round` for a socket that reads `filter` and joined at `at`, or `None` when
/// nothing in it is for that socket.
pub fn frame_for(round: &Round, filter: &Filter, at: u64) -> Option<CommentsPage> {
    let comments: Vec<Comment> = round
        .items
        .iter()
        .filter(|i| (i.update || i.seq > at) && filter.matches(&i.comment))
        .map(|i| i.comment.clone())
        .collect();
    if comments.is_empty() && round.removed.is_empty() {
        return None;
    }
    Some(CommentsPage {
        removed: round.removed.clone(),
        ..page(comments, false, round.to.max(at))
    })
}

/// What a relay keeps on each socket (it survives hibernation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub filter: Filter,
    /// When the relay accepted it (ms since the epoch), for the idle rule.
    pub opened: u64,
    /// The log's head when it joined: nothing numbered at or below reaches it again. `None`
    /// while its first frames are being fetched (it is sent nothing meanwhile).
    pub at: Option<u64>,
    /// The relay's head, kept on one socket after each round, so a relay woken from
    /// hibernation (its memory gone, its sockets kept) knows where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keeps: Option<u64>,
    /// When the relay last sent it something, to [`SENT_GRAIN_MS`]: a page that frames keep
    /// busy does not ping, and is not idle.
    #[serde(default)]
    pub sent: u64,
    /// Who its posts come from, as the Worker settled it when the socket opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster: Option<Poster>,
}

/// How stale a seat's `sent` may be (each update is a write of the socket's attachment).
pub const SENT_GRAIN_MS: u64 = 30_000;

impl Seat {
    /// Since when the socket has been quiet on the relay's side (the idle rule adds the
    /// client's last ping).
    pub fn quiet_since(&self) -> u64 {
        self.opened.max(self.sent)
    }

    /// The seat after something was sent at `now`, when its `sent` should move.
    pub fn sent_at(&self, now: u64) -> Option<Seat> {
        (now.saturating_sub(self.sent) >= SENT_GRAIN_MS).then(|| Seat {
            sent: now,
            ..self.clone()
        })
    }
}

/// Where a relay woken with these seats stands: the newest head any of them knows.
pub fn standing<'a>(seats: impl IntoIterator<Item = &'a Seat>) -> Option<u64> {
    seats
        .into_iter()
        .flat_map(|s| [s.keeps, s.at])
        .flatten()
        .max()
}

#[cfg(test)]
mod tests;
