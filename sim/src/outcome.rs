//! What each reader received, and the numbers that come out of it.

use std::collections::HashMap;

use crate::scenario::Workload;
use crate::SimError;

/// The storage work a run did, in the units Cloudflare bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Kv {
        lists: u64,
        gets: u64,
        puts: u64,
        /// Polls answered from the location's cached top page, with no KV call.
        edge_hits: u64,
        /// The most KV operations one request made (Workers allow 1000).
        max_ops_per_request: u64,
    },
    Log {
        rows_read: u64,
        rows_written: u64,
        /// Requests the object served (polls and posts).
        requests: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Comments the design accepted.
    pub posted: usize,
    pub readers: usize,
    /// Every reader should receive every accepted comment.
    pub expected: u64,
    /// (reader, comment) pairs never received.
    pub missed: u64,
    /// Of `missed`, those of slow uploads.
    pub missed_slow: u64,
    /// Comments at least one reader never received.
    pub comments_missed: usize,
    /// (reader, comment) pairs received more than once.
    pub duplicated: u64,
    /// Receipts that came before one that is earlier in the design's own order.
    pub out_of_order: u64,
    /// From the start of the POST to the reader's first receipt.
    pub latency_p50_ms: Option<u64>,
    pub latency_max_ms: Option<u64>,
    pub work: Work,
    /// Per reader, the rank (1-based place in the design's order; 0 for a comment the design
    /// never accepted) of each comment received, in the order received.
    pub received: Vec<Vec<u64>>,
}

/// Collects receipts as a run goes.
pub struct Tracker {
    index: HashMap<String, usize>,
    /// Per reader: (post index, time received).
    received: Vec<Vec<(usize, u64)>>,
}

impl Tracker {
    pub fn new(w: &Workload) -> Self {
        Tracker {
            index: w
                .posts
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i))
                .collect(),
            received: vec![Vec::new(); w.readers.len()],
        }
    }

    pub fn receive<'a>(
        &mut self,
        reader: usize,
        at: u64,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), SimError> {
        let got = self
            .received
            .get_mut(reader)
            .ok_or(SimError::NoSuchReader(reader))?;
        for id in ids {
            let i = self
                .index
                .get(id)
                .ok_or_else(|| SimError::UnknownComment(id.to_owned()))?;
            got.push((*i, at));
        }
        Ok(())
    }

    /// `ranks[i]`: post `i`'s place in the design's order, `None` if it was never accepted.
    pub fn finish(self, w: &Workload, ranks: &[Option<u64>], work: Work) -> Outcome {
        let posted = ranks.iter().flatten().count();
        let mut missed = 0;
        let mut missed_slow = 0;
        let mut duplicated = 0;
        let mut out_of_order = 0;
        let mut latencies = Vec::new();
        let mut missed_by_someone = vec![false; w.posts.len()];
        let mut received = Vec::with_capacity(self.received.len());
        for got in &self.received {
            let mut times = vec![0u32; w.posts.len()];
            for &(i, at) in got {
                times[i] += 1;
                if times[i] == 1 {
                    latencies.push(at.saturating_sub(w.posts[i].start));
                }
            }
            for (i, n) in times.iter().enumerate() {
                if ranks[i].is_some() && *n == 0 {
                    missed += 1;
                    missed_slow += u64::from(w.posts[i].slow);
                    missed_by_someone[i] = true;
                }
                duplicated += u64::from(*n > 1);
            }
            let order: Vec<u64> = got.iter().map(|(i, _)| ranks[*i].unwrap_or(0)).collect();
            out_of_order += order.windows(2).filter(|p| p[1] < p[0]).count() as u64;
            received.push(order);
        }
        latencies.sort_unstable();
        Outcome {
            posted,
            readers: self.received.len(),
            expected: (posted * self.received.len()) as u64,
            missed,
            missed_slow,
            comments_missed: missed_by_someone.iter().filter(|m| **m).count(),
            duplicated,
            out_of_order,
            latency_p50_ms: latencies.get(latencies.len() / 2).copied(),
            latency_max_ms: latencies.last().copied(),
            work,
            received,
        }
    }
}

impl Outcome {
    /// `missed` as a share of `expected`, in percent.
    pub fn missed_percent(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            100.0 * self.missed as f64 / self.expected as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Post, Reader};

    fn workload(posts: usize, readers: usize) -> Workload {
        Workload {
            posts: (0..posts)
                .map(|i| Post {
                    id: format!("p{i}"),
                    location: 0,
                    start: 1_000 * i as u64,
                    upload_ms: 10,
                    slow: i == 1,
                })
                .collect(),
            readers: vec![
                Reader {
                    location: 0,
                    first_poll: 0,
                };
                readers
            ],
            start: 0,
            end: 10_000,
        }
    }

    #[test]
    fn counts_misses_duplicates_and_disorder() -> Result<(), SimError> {
        let w = workload(3, 2);
        let mut t = Tracker::new(&w);
        // Reader 0 gets everything, p2 twice and p0 after p1; reader 1 never gets p1.
        t.receive(0, 1_500, ["p1"])?;
        t.receive(0, 2_500, ["p0", "p2"])?;
        t.receive(0, 2_600, ["p2"])?;
        t.receive(1, 5_000, ["p0", "p2"])?;
        assert!(t.receive(1, 5_000, ["nobody"]).is_err());
        let o = t.finish(
            &w,
            &[Some(1), Some(2), Some(3)],
            Work::Log {
                rows_read: 0,
                rows_written: 0,
                requests: 0,
            },
        );
        assert_eq!((o.posted, o.expected), (3, 6));
        assert_eq!((o.missed, o.missed_slow, o.comments_missed), (1, 1, 1));
        assert_eq!((o.duplicated, o.out_of_order), (1, 1));
        assert_eq!(o.received, [vec![2, 1, 3, 3], vec![1, 3]]);
        assert_eq!(o.latency_max_ms, Some(5_000));
        Ok(())
    }
}
