//! Fan-out: how long after a commit the *last* open socket has the change, and how busy the
//! objects are, for one log object sending to every socket and for a tree of relay objects.
//!
//! # Model
//!
//! - Changes reach the log object as a Poisson process. An object is single-threaded and
//!   sends in the turn that commits (`CommentLog::push`): a change waits while the object is
//!   still busy with earlier ones (FIFO).
//! - Serving one change takes [`COMMIT_FIXED_MS`] plus [`SEND_MS_PER_SOCKET`] per socket,
//!   sockets served one after another; the k-th socket has it `fixed + k × per-socket` after
//!   the object starts on it. The reader's own network leg is left out (it is the same for
//!   every topology; relays near their readers shorten it).
//! - [`Topology::Relays`]: the log object forwards each change once to each child relay
//!   (one send each, like a socket), the relay does the same to its children or its share of
//!   the sockets, after [`RELAY_FIXED_MS`]. Each forward takes a hop drawn from [`HOP_MS`]
//!   (objects in one region; relays are placed near their readers with location hints, so
//!   the log→relay hop is the one that crosses distance). Each link keeps order, as a socket
//!   does (over HTTP the relay orders frames by their `s<n>` cursor).
//! - [`plan`] sizes the tree: every object's per-change time stays under [`MAX_SEND_MS`] and
//!   its offered load under [`TARGET_UTILISATION`]; a tier is added when the log itself
//!   would have too many relays to send to.
//! - [`Topology::Coalescing`]: one object that, when it finishes a round, commits whatever
//!   arrived meanwhile and sends all of it in one frame per socket (frames are already pages).
//!   Not what `CommentLog::push` does today: it sends one frame per change.
//!
//! # Documented facts it encodes
//!
//! - A Durable Object is single-threaded: its sends to its sockets are serial.
//! - One object serves on the order of a thousand requests a second.
//! - The 0.15 ms per socket is the slower reading of this project's first measurement (1 000
//!   sockets had a message 94–203 ms after the POST, 2-core machine, `wrangler dev`); the
//!   later one in docs/benchmarks.md is 0.05 ms. Production may be faster still, so it is a
//!   constant to replace with a better measurement, and errs on the costly side meanwhile.
//! - Forwarding costs ([`relay_cost`]): an HTTP request to a relay is one DO request; a
//!   message a relay *receives* on a socket bills 1/20 of one, and sending is free. Only
//!   sockets an object *accepts* (`acceptWebSocket`) hibernate: an object holding an
//!   outgoing socket stays in memory and is billed duration all month (workerd issue 4864
//!   asks for outgoing hibernation). So the log should dial the relays (one object pinned),
//!   not every relay dial the log (every relay pinned).
//! - Location hints place an object near where it is first created; a relay meant for one
//!   region's readers must be created with that region's hint.

use crate::prices::{OBJECT_GB, SECONDS_PER_MONTH};
use crate::rng::Rng;

/// An object's fixed time per committed change (parse, SQLite write, frame).
pub const COMMIT_FIXED_MS: f64 = 2.0;
/// Sending one frame to one socket.
pub const SEND_MS_PER_SOCKET: f64 = 0.15;
/// A relay's fixed time per forwarded change (no storage).
pub const RELAY_FIXED_MS: f64 = 1.0;
/// One forward between objects in one region.
pub const HOP_MS: (u64, u64) = (5, 20);
/// No object may take longer than this to send one change.
pub const MAX_SEND_MS: f64 = 100.0;
/// Keep each object at most this busy, so queues stay short.
pub const TARGET_UTILISATION: f64 = 0.5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topology {
    Single,
    Coalescing,
    /// `tiers[i]` relays at depth `i + 1`; the last tier holds the sockets, split evenly.
    Relays {
        tiers: Vec<usize>,
    },
}

impl Topology {
    pub fn relays(&self) -> usize {
        match self {
            Topology::Relays { tiers } => tiers.iter().sum(),
            _ => 0,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Topology::Single => "one object".into(),
            Topology::Coalescing => "one object, coalescing".into(),
            Topology::Relays { tiers } => {
                let t: Vec<String> = tiers.iter().map(|n| n.to_string()).collect();
                format!("relays {}", t.join(" → "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("at {per_min} changes a minute no object can send one within {budget_ms:.1} ms")]
    RateTooHigh { per_min: f64, budget_ms: f64 },
}

/// Each object's time budget per change at this rate.
pub fn budget_ms(per_min: f64) -> f64 {
    MAX_SEND_MS.min(TARGET_UTILISATION * 60_000.0 / per_min.max(1e-9))
}

/// The smallest tree that keeps every object within [`budget_ms`]; [`Topology::Single`] when
/// the log object alone does.
pub fn plan(sockets: usize, per_min: f64) -> Result<Topology, PlanError> {
    let budget = budget_ms(per_min);
    let fits = |fixed: f64| ((budget - fixed) / SEND_MS_PER_SOCKET).floor().max(0.0) as usize;
    let (log_cap, relay_cap) = (fits(COMMIT_FIXED_MS), fits(RELAY_FIXED_MS));
    if sockets <= log_cap {
        return Ok(Topology::Single);
    }
    if log_cap == 0 || relay_cap < 2 {
        return Err(PlanError::RateTooHigh {
            per_min,
            budget_ms: budget,
        });
    }
    let mut tiers = vec![sockets.div_ceil(relay_cap)];
    while tiers[0] > log_cap {
        tiers.insert(0, tiers[0].div_ceil(relay_cap));
    }
    Ok(Topology::Relays { tiers })
}

/// `n` items split into `parts` contiguous shares; the share of part `j`.
fn share(n: usize, parts: usize, j: usize) -> std::ops::Range<usize> {
    n * j / parts..n * (j + 1) / parts
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub sockets: usize,
    pub per_min: f64,
    pub minutes: f64,
    pub seed: u64,
    pub topology: Topology,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub changes: usize,
    /// Commit to the *last* socket, over changes.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Commit to a socket, over (change, socket) pairs: [`SAMPLED_SOCKETS`] random sockets
    /// per change. The budget's median ("on screen in another open browser") is this one.
    pub socket_p50_ms: f64,
    /// Offered load (arrival rate × service time) of the log object and the busiest relay;
    /// at 1 or more the queue grows without bound. `None` when coalescing (its service time
    /// depends on the batch).
    pub log_offered: Option<f64>,
    pub relay_offered: f64,
    /// Simulated busy share of the log object and of the busiest relay.
    pub log_busy: f64,
    pub relay_busy: f64,
}

/// Sockets sampled per change for [`Delivery::socket_p50_ms`].
pub const SAMPLED_SOCKETS: usize = 4;

/// A node of the tree while simulating: when it is free, when its link last delivered, how
/// long it has been busy.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    free: f64,
    link: f64,
    busy: f64,
}

/// What a run collects before it is summarised.
#[derive(Default)]
struct Trace {
    last: Vec<f64>,
    sampled: Vec<f64>,
    log: Node,
    log_offered: Option<f64>,
    relay_offered: f64,
    relay_busy: f64,
}

struct Sim<'a> {
    run: &'a Run,
    arrivals: Vec<f64>,
    rate_per_ms: f64,
    horizon: f64,
    /// Picks the sampled sockets.
    pick: Rng,
    hops: Rng,
}

impl Sim<'_> {
    /// Delivery times of `SAMPLED_SOCKETS` random sockets among `n` served from `first`
    /// (the first socket's time) one [`SEND_MS_PER_SOCKET`] apart.
    fn sample(&mut self, trace: &mut Trace, arrival: f64, first: f64, n: usize) {
        for _ in 0..SAMPLED_SOCKETS.min(n) {
            let k = self.pick.below(n) as f64;
            trace.sampled.push(first + SEND_MS_PER_SOCKET * k - arrival);
        }
    }

    fn single(&mut self, trace: &mut Trace) {
        let s = self.run.sockets;
        let service = COMMIT_FIXED_MS + SEND_MS_PER_SOCKET * s as f64;
        trace.log_offered = Some(self.rate_per_ms * service);
        for a in self.arrivals.clone() {
            let start = a.max(trace.log.free);
            trace.log.free = start + service;
            trace.log.busy += service;
            trace.last.push(trace.log.free - a);
            self.sample(trace, a, start + COMMIT_FIXED_MS + SEND_MS_PER_SOCKET, s);
        }
    }

    fn coalescing(&mut self, trace: &mut Trace) {
        let s = self.run.sockets;
        let arrivals = self.arrivals.clone();
        let mut i = 0;
        while i < arrivals.len() {
            let start = arrivals[i].max(trace.log.free);
            let batch = arrivals[i..].iter().take_while(|&&a| a <= start).count();
            let commits = COMMIT_FIXED_MS * batch as f64;
            let service = commits + SEND_MS_PER_SOCKET * s as f64;
            trace.log.free = start + service;
            trace.log.busy += service;
            for &a in &arrivals[i..i + batch] {
                trace.last.push(trace.log.free - a);
                self.sample(trace, a, start + commits + SEND_MS_PER_SOCKET, s);
            }
            i += batch;
        }
    }

    fn relays(&mut self, trace: &mut Trace, tiers: &[usize]) {
        let d = SEND_MS_PER_SOCKET;
        let mut nodes: Vec<Vec<Node>> = tiers.iter().map(|&n| vec![Node::default(); n]).collect();
        let root_service = COMMIT_FIXED_MS + d * tiers[0] as f64;
        trace.log_offered = Some(self.rate_per_ms * root_service);
        // When each node of the current tier was sent the change; then the next tier's.
        let (mut sent, mut next) = (Vec::new(), Vec::new());
        // Each leaf's first socket time and socket count, for this change.
        let mut leaves: Vec<(f64, usize)> = Vec::new();
        for a in self.arrivals.clone() {
            let start = a.max(trace.log.free);
            trace.log.free = start + root_service;
            trace.log.busy += root_service;
            sent.clear();
            sent.extend((1..=tiers[0]).map(|k| start + COMMIT_FIXED_MS + d * k as f64));
            leaves.clear();
            for (ti, tier) in nodes.iter_mut().enumerate() {
                let leaf = ti + 1 == tiers.len();
                let below = if leaf {
                    self.run.sockets
                } else {
                    tiers[ti + 1]
                };
                next.clear();
                for (j, node) in tier.iter_mut().enumerate() {
                    let hop = self.hops.between(HOP_MS.0, HOP_MS.1) as f64;
                    node.link = node.link.max(sent[j] + hop);
                    let begin = node.link.max(node.free);
                    let kids = share(below, tiers[ti], j).len();
                    let service = RELAY_FIXED_MS + d * kids as f64;
                    node.free = begin + service;
                    node.busy += service;
                    trace.relay_offered = trace.relay_offered.max(self.rate_per_ms * service);
                    let first = begin + RELAY_FIXED_MS + d;
                    if leaf {
                        leaves.push((first, kids));
                    } else {
                        next.extend((0..kids).map(|k| first + d * k as f64));
                    }
                }
                std::mem::swap(&mut sent, &mut next);
            }
            let last = leaves
                .iter()
                .map(|&(first, n)| first + d * n.saturating_sub(1) as f64);
            trace.last.push(last.fold(a, f64::max) - a);
            // Leaves hold equal shares (±1), so a random leaf and a random place in it is
            // a random socket.
            for _ in 0..SAMPLED_SOCKETS.min(self.run.sockets) {
                let (first, n) = leaves[self.pick.below(leaves.len())];
                let k = self.pick.below(n) as f64;
                trace.sampled.push(first + d * k - a);
            }
        }
        let span = nodes
            .iter()
            .flatten()
            .map(|n| n.free)
            .fold(self.horizon, f64::max);
        let busy = nodes.iter().flatten().map(|n| n.busy / span);
        trace.relay_busy = busy.fold(0.0, f64::max);
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n => sorted[((n - 1) as f64 * q).round() as usize],
    }
}

pub fn simulate(run: &Run) -> Delivery {
    let mut rng = Rng::new(run.seed);
    let rate_per_ms = run.per_min / 60_000.0;
    let horizon = run.minutes * 60_000.0;
    let mut arrivals = Vec::new();
    let mut t = rng.exponential(1.0 / rate_per_ms);
    while t < horizon {
        arrivals.push(t);
        t += rng.exponential(1.0 / rate_per_ms);
    }
    let mut sim = Sim {
        run,
        arrivals,
        rate_per_ms,
        horizon,
        pick: rng.fork(0x51C),
        hops: rng.fork(0x40B),
    };
    let mut trace = Trace::default();
    match &run.topology {
        Topology::Coalescing => sim.coalescing(&mut trace),
        Topology::Relays { tiers } if !tiers.is_empty() => sim.relays(&mut trace, tiers),
        // No relays at all is one object.
        Topology::Single | Topology::Relays { .. } => sim.single(&mut trace),
    }
    trace.last.sort_by(f64::total_cmp);
    trace.sampled.sort_by(f64::total_cmp);
    Delivery {
        changes: trace.last.len(),
        p50_ms: quantile(&trace.last, 0.50),
        p99_ms: quantile(&trace.last, 0.99),
        max_ms: quantile(&trace.last, 1.0),
        socket_p50_ms: quantile(&trace.sampled, 0.50),
        log_offered: trace.log_offered,
        relay_offered: trace.relay_offered,
        log_busy: trace.log.busy / trace.log.free.max(horizon),
        relay_busy: trace.relay_busy,
    }
}

/// What the relays add to a month at `per_min` changes and `sockets` sockets, and what the
/// sends cost in object time either way.
#[derive(Debug, Clone, PartialEq)]
pub struct RelayCost {
    pub relays: usize,
    /// Changes forwarded to relays in a month (one per relay per change).
    pub forwards: f64,
    /// Forwards as HTTP requests: one DO request each; the log also waits out the round
    /// trip (two slow hops) per change, which is billed time.
    pub http_dollars: f64,
    /// Forwards over sockets the log opens to the relays (relays accept them hibernatable):
    /// each a received message at 1/20; the log, holding outgoing sockets, never hibernates.
    pub ws_log_dials_dollars: f64,
    /// Forwards over sockets each relay opens to the log: 1/20 each, and every relay,
    /// holding an outgoing socket, never hibernates.
    pub ws_relays_dial_dollars: f64,
    /// Object time spent sending in a month, in GB-s: one object alone, and the tree.
    pub single_gb_s: f64,
    pub tree_gb_s: f64,
}

const DO_REQUEST: f64 = 0.15 / 1e6;
const GB_S: f64 = 12.50 / 1e6;

/// Marginal list prices (the plan's allowances are spent on the rest of the stream).
pub fn relay_cost(sockets: usize, per_min: f64, topology: &Topology) -> RelayCost {
    let changes = per_min * SECONDS_PER_MONTH / 60.0;
    let relays = topology.relays();
    let forwards = changes * relays as f64;
    let gb_s = |ms_per_change: f64| changes * ms_per_change / 1000.0 * OBJECT_GB;
    let d = SEND_MS_PER_SOCKET;
    let single_gb_s = gb_s(COMMIT_FIXED_MS + d * sockets as f64);
    let tree_gb_s = match topology {
        // Every object sends once per child or socket; every relay adds its fixed time.
        Topology::Relays { .. } => {
            gb_s(COMMIT_FIXED_MS + d * (relays + sockets) as f64 + RELAY_FIXED_MS * relays as f64)
        }
        _ => single_gb_s,
    };
    let pinned_object = SECONDS_PER_MONTH * OBJECT_GB * GB_S;
    let messages = forwards / 20.0 * DO_REQUEST;
    RelayCost {
        relays,
        forwards,
        http_dollars: forwards * DO_REQUEST + gb_s(2.0 * HOP_MS.1 as f64) * GB_S,
        ws_log_dials_dollars: messages + if relays > 0 { pinned_object } else { 0.0 },
        ws_relays_dial_dollars: messages + relays as f64 * pinned_object,
        single_gb_s,
        tree_gb_s,
    }
}
