//! The log design under the workload: one `Log` (one Durable Object) that every location
//! reaches over the network; it serves requests one at a time, in the order they arrive.

use saywhatwant_api::log::{Appended, Log, LogStore, MemoryStore};
use saywhatwant_wire::{CommentsPage, CommentsQuery, Cursor};

use crate::events::Queue;
use crate::outcome::{Outcome, Tracker, Work};
use crate::rng::Rng;
use crate::scenario::{Scenario, Workload, DOMAIN};
use crate::{SimError, POLL_LIMIT};

enum Event {
    /// A reader's poll timer fires.
    Tick(usize),
    PollArrives {
        reader: usize,
        cursor: Cursor,
    },
    PollReturns {
        reader: usize,
        page: CommentsPage,
    },
    /// A POST reaches the object, body and all.
    PostArrives(usize),
}

/// Delays between the locations and the object.
struct Network {
    one_way: Vec<u64>,
    jitter: u64,
    rng: Rng,
}

impl Network {
    fn hop(&mut self, location: usize) -> u64 {
        let base = self.one_way.get(location).copied().unwrap_or(0);
        base + self.rng.between(0, self.jitter)
    }
}

pub fn run(s: &Scenario, w: &Workload) -> Result<Outcome, SimError> {
    let mut rng = Rng::new(s.seed).fork(0x10C);
    let (lo, hi) = s.object_delay_ms;
    let mut net = Network {
        one_way: (0..s.locations).map(|_| rng.between(lo, hi)).collect(),
        jitter: s.object_jitter_ms,
        rng: rng.fork(1),
    };
    let mut log = Log::open(MemoryStore::new())?;
    let mut queue = Queue::default();
    for (r, reader) in w.readers.iter().enumerate() {
        queue.push(reader.first_poll, Event::Tick(r));
    }
    for (i, p) in w.posts.iter().enumerate() {
        let arrives = p.start + p.upload_ms + net.hop(p.location);
        queue.push(arrives, Event::PostArrives(i));
    }
    let mut cursors = vec![Cursor::Seq(0); w.readers.len()];
    let mut in_flight = vec![false; w.readers.len()];
    let mut tracker = Tracker::new(w);
    let mut ranks = vec![None; w.posts.len()];
    let mut requests = 0;
    let mut fallback_ids = 0u64;
    while let Some((now, event)) = queue.pop() {
        match event {
            Event::Tick(r) => {
                // A page does not send a second poll while one is on its way.
                if !in_flight[r] {
                    in_flight[r] = true;
                    let at = now + net.hop(w.readers[r].location);
                    let cursor = cursors[r].clone();
                    queue.push(at, Event::PollArrives { reader: r, cursor });
                }
                if now + s.poll_every_ms <= w.end {
                    queue.push(now + s.poll_every_ms, Event::Tick(r));
                }
            }
            Event::PollArrives { reader, cursor } => {
                requests += 1;
                let q = CommentsQuery {
                    limit: POLL_LIMIT,
                    after: Some(cursor),
                    fresh: true,
                    ..CommentsQuery::default()
                };
                let page = log.read(&q)?;
                let at = now + net.hop(w.readers[reader].location);
                queue.push(at, Event::PollReturns { reader, page });
            }
            Event::PollReturns { reader, page } => {
                tracker.receive(reader, now, page.comments.iter().map(|c| c.id.as_str()))?;
                let cursor = page.cursor.as_deref().ok_or(SimError::NoCursor)?;
                cursors[reader] =
                    Cursor::parse(cursor).map_err(|e| SimError::BadCursor(e.to_string()))?;
                if page.has_more {
                    let at = now + net.hop(w.readers[reader].location);
                    let cursor = cursors[reader].clone();
                    queue.push(at, Event::PollArrives { reader, cursor });
                } else {
                    in_flight[reader] = false;
                }
            }
            Event::PostArrives(i) => {
                requests += 1;
                let p = &w.posts[i];
                // Every post carries its id; this only answers the signature.
                let generate = || {
                    fallback_ids += 1;
                    format!("gen{fallback_ids}")
                };
                if let Appended::Created(entry) =
                    log.append(p.new_comment(), generate, DOMAIN, now)?
                {
                    ranks[i] = Some(entry.seq);
                }
            }
        }
    }
    let usage = log.store().usage();
    let work = Work::Log {
        rows_read: usage.rows_read,
        rows_written: usage.rows_written,
        requests,
    };
    Ok(tracker.finish(w, &ranks, work))
}
