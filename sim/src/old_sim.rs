//! The KV design under the workload: every location runs the old worker code over its own
//! lagged view of KV and its own edge cache.

use futures::executor::block_on;
use saywhatwant_wire::{chrono_cmp, Comment};

use crate::events::Queue;
use crate::lagged_kv::LaggedKv;
use crate::old_kv::comments::{self, Posted};
use crate::old_kv::edge::{EdgeCachedKv, MemoryEdgeCache};
use crate::old_kv::{fresh, OldCursor, OldQuery};
use crate::outcome::{Outcome, Tracker, Work};
use crate::rng::Rng;
use crate::scenario::{Scenario, Workload, DOMAIN};
use crate::{SimError, POLL_LIMIT};

enum Event {
    Poll(usize),
    /// A POST's body has arrived: the worker writes the comment now.
    Lands(usize),
}

pub fn run(s: &Scenario, w: &Workload) -> Result<Outcome, SimError> {
    let kv = LaggedKv::new(s.locations, s.lag, Rng::new(s.seed).fork(0x01D));
    let caches: Vec<MemoryEdgeCache> = (0..s.locations).map(|_| Default::default()).collect();
    let mut queue = Queue::default();
    for (r, reader) in w.readers.iter().enumerate() {
        queue.push(reader.first_poll, Event::Poll(r));
    }
    for (i, p) in w.posts.iter().enumerate() {
        queue.push(p.start + p.upload_ms, Event::Lands(i));
    }
    let mut cursors = vec![OldCursor::timestamp(w.start); w.readers.len()];
    let mut tracker = Tracker::new(w);
    let mut stored: Vec<(usize, Comment)> = Vec::new();
    let mut max_ops = 0;
    let mut cached_polls = 0;
    while let Some((now, event)) = queue.pop() {
        match event {
            Event::Lands(i) => {
                let p = &w.posts[i];
                let at = kv.at(p.location, now);
                // The worker read its clock when the request started, before the body came.
                let posted = comments::post(&at, p.new_comment(), || p.id.clone(), p.start, DOMAIN);
                if let Posted::Created(c) = block_on(posted)? {
                    stored.push((i, c));
                }
                max_ops = max_ops.max(at.ops());
            }
            Event::Poll(r) => {
                let location = w.readers[r].location;
                let at = kv.at(location, now);
                let edge = EdgeCachedKv {
                    kv: &at,
                    cache: &caches[location],
                    now,
                };
                let q = OldQuery {
                    limit: POLL_LIMIT,
                    after: Some(cursors[r].clone()),
                    ..OldQuery::default()
                };
                let page = block_on(fresh::read(&edge, &q, now))?;
                max_ops = max_ops.max(at.ops());
                // `MemoryEdgeCache::hits` also counts expired pages it handed back; a poll that
                // made no KV call is one the cache really answered.
                cached_polls += u64::from(at.ops() == 0);
                tracker.receive(r, now, page.comments.iter().map(|c| c.id.as_str()))?;
                let cursor = page.cursor.as_deref().ok_or(SimError::NoCursor)?;
                cursors[r] =
                    OldCursor::parse(cursor).map_err(|e| SimError::BadCursor(e.to_string()))?;
                let next = if page.has_more {
                    now
                } else {
                    now + s.poll_every_ms
                };
                if next <= w.end {
                    queue.push(next, Event::Poll(r));
                }
            }
        }
    }
    // The old design's order: timestamp, then id descending.
    stored.sort_by(|a, b| chrono_cmp(&a.1, &b.1));
    let mut ranks = vec![None; w.posts.len()];
    for (rank, (i, _)) in stored.iter().enumerate() {
        ranks[*i] = Some(rank as u64 + 1);
    }
    let ops = kv.ops();
    let work = Work::Kv {
        lists: ops.lists,
        gets: ops.gets,
        puts: ops.puts,
        edge_hits: cached_polls,
        max_ops_per_request: max_ops,
    };
    Ok(tracker.finish(w, &ranks, work))
}
