//! A scenario's knobs and the workload drawn from them. Both designs run the very same
//! workload: the same posts at the same moments and places, the same readers at the same
//! phases.

use saywhatwant_wire::NewComment;

use crate::lagged_kv::Lag;
use crate::rng::Rng;

/// Simulated time starts here (milliseconds since the epoch), so comment keys and cursors look
/// like real ones.
pub const EPOCH: u64 = 1_760_000_000_000;
/// Readers poll a few times before the first post, as open pages do.
pub const WARM_UP_MS: u64 = 10_000;
/// The domain every simulated comment carries.
pub const DOMAIN: &str = "sim.example";

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub seed: u64,
    pub locations: usize,
    pub readers_per_location: usize,
    pub posts_per_minute: f64,
    /// How long posting goes on.
    pub posting_ms: u64,
    /// Polling continues this long after the last post, for everything to propagate.
    pub drain_ms: u64,
    pub poll_every_ms: u64,
    /// The share of POSTs whose body takes `slow_upload_ms` to arrive (a phone on a bad link).
    pub slow_upload_share: f64,
    pub slow_upload_ms: (u64, u64),
    /// Every other POST's body takes this long.
    pub upload_ms: (u64, u64),
    pub lag: Lag,
    /// One-way delay between a location and the log's Durable Object, drawn per location.
    pub object_delay_ms: (u64, u64),
    /// Added to each message between a location and the object.
    pub object_jitter_ms: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 0x5EED,
            locations: 10,
            readers_per_location: 5,
            posts_per_minute: 10.0,
            posting_ms: 5 * 60_000,
            drain_ms: 2 * 60_000,
            poll_every_ms: 5_000,
            slow_upload_share: 0.0,
            slow_upload_ms: (2_000, 10_000),
            upload_ms: (5, 60),
            lag: Lag::DOCUMENTED,
            object_delay_ms: (5, 90),
            object_jitter_ms: 10,
        }
    }
}

impl Scenario {
    /// The drain actually used: at least two minutes, and long enough for the slowest write
    /// of the scenario to reach every location with room for several polls.
    pub fn effective_drain_ms(&self) -> u64 {
        let slowest = self.lag.max() + self.slow_upload_ms.1.max(self.upload_ms.1);
        self.drain_ms
            .max(120_000)
            .max(slowest + 6 * self.poll_every_ms)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: String,
    pub location: usize,
    /// When the request starts (the user pressed send): the latency clock starts here.
    pub start: u64,
    /// How long the body takes to arrive.
    pub upload_ms: u64,
    pub slow: bool,
}

impl Post {
    pub fn new_comment(&self) -> NewComment {
        NewComment {
            id: Some(self.id.clone()),
            text: format!("comment {}", self.id),
            domain: Some(DOMAIN.into()),
            ..NewComment::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reader {
    pub location: usize,
    pub first_poll: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub posts: Vec<Post>,
    pub readers: Vec<Reader>,
    pub start: u64,
    /// No poll starts after this.
    pub end: u64,
}

impl Workload {
    pub fn generate(s: &Scenario) -> Workload {
        let mut rng = Rng::new(s.seed).fork(0x90_57);
        let start = EPOCH;
        let readers = (0..s.locations)
            .flat_map(|location| (0..s.readers_per_location).map(move |_| location))
            .map(|location| Reader {
                location,
                first_poll: start + rng.between(0, s.poll_every_ms.saturating_sub(1)),
            })
            .collect();
        let posting_from = start + WARM_UP_MS;
        let posting_until = posting_from + s.posting_ms;
        let mean_gap = 60_000.0 / s.posts_per_minute.max(f64::MIN_POSITIVE);
        let mut posts = Vec::new();
        let mut t = posting_from as f64 + rng.exponential(mean_gap);
        while t < posting_until as f64 {
            let slow = rng.chance(s.slow_upload_share);
            let (lo, hi) = if slow { s.slow_upload_ms } else { s.upload_ms };
            posts.push(Post {
                id: format!("p{}", posts.len()),
                location: rng.below(s.locations),
                start: t as u64,
                upload_ms: rng.between(lo, hi),
                slow,
            });
            t += rng.exponential(mean_gap);
        }
        Workload {
            posts,
            readers,
            start,
            end: posting_until + s.effective_drain_ms(),
        }
    }
}
