//! A simulation of Workers KV's documented consistency, run against the comment stream's old
//! KV design and its new comment log, on one and the same workload.
//!
//! Local `wrangler dev` KV is one strongly consistent location, so no local test can show
//! what KV's eventual consistency does to a polling design; this crate models it instead.
//!
//! # The model
//!
//! - **KV** ([`lagged_kv`]): one authoritative store; every location sees each write only
//!   after a delay drawn per (key, location). [`Lag::DOCUMENTED`] takes Cloudflare's words
//!   literally (other locations: anywhere within 60 s); [`Lag::MOSTLY_FAST`] is far kinder
//!   (90 % of locations within 1 s). `get` and `list` at a location show only what is visible
//!   there at that moment. Operations are counted per kind, as they are billed.
//! - **Readers**: `L` locations × `R` readers, each polling every 5 s at a random phase with
//!   `limit=200`, from the start of the run until everything has had time to propagate (at
//!   least two minutes after the last post, and longer than the slowest write's lag).
//! - **Writers**: posts at random locations, a Poisson process at a given rate; a share of them
//!   are *slow uploads* whose body takes seconds to arrive.
//! - **Old design** ([`old_kv`], the worker's former code, run as is): a poll is
//!   `GET ?after=<cursor>&limit=200&fresh=true`, answered by `old_kv::fresh::read` at the
//!   reader's location through that location's edge cache of the top list page; a POST is
//!   `old_kv::comments::post` at the writer's location when the body has arrived, stamped with
//!   the time the request *started*.
//! - **New design** ([`new_sim`]): one `Log<MemoryStore>` (one Durable Object) reached from
//!   every location over a one-way delay of tens of milliseconds; it handles requests one at a
//!   time in arrival order; a POST is stamped at commit, inside the log.
//!
//! Each run reports the comments accepted, the deliveries expected (every reader should get
//! every comment), the deliveries missed and duplicated, receipts out of the design's own
//! order, latency from the start of the POST to a reader's first receipt, and the storage work
//! (KV lists/gets/puts; log rows read and written).
//!
//! # Cloudflare's documented facts it encodes
//!
//! - A KV write may take up to 60 s (or more) to be visible at other locations.
//! - Visibility at the writer's own location is usually immediate but "not guaranteed": a
//!   small chance of a short delay there too.
//! - `list()` is eventually consistent in the same way as `get()`.
//! - `cacheTtl` is at least 30 s, so reads that must be fresh do not use it: the old design's
//!   fresh reads used none, and neither does the model (it adds no cache-induced lag on top).
//! - At most 1000 KV operations per Worker invocation: each run reports the most any one
//!   request made.
//! - `list()` returns keys in byte order, at most 1000 a page, with each key's metadata.

pub mod costs;
pub mod events;
pub mod fanout;
pub mod lagged_kv;
pub mod new_sim;
pub mod old_kv;
pub mod old_sim;
pub mod original;
pub mod outcome;
pub mod prices;
pub mod relays;
pub mod report;
pub mod request_ops;
pub mod rng;
pub mod scenario;

pub use lagged_kv::Lag;
pub use outcome::{Outcome, Work};
pub use scenario::{Scenario, Workload};

use saywhatwant_api::kv::KvError;
use saywhatwant_api::log::{LogError, StoreError};

/// A poll's `limit`, as the page sends it.
pub const POLL_LIMIT: usize = 200;

/// A failure that means the simulation (or a design's code) is broken, not an outcome.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error(transparent)]
    OldRead(#[from] old_kv::fresh::ReadError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a page came back without a cursor")]
    NoCursor,
    #[error("a page's cursor does not parse: {0}")]
    BadCursor(String),
    #[error("a reader received a comment nobody posted: {0}")]
    UnknownComment(String),
    #[error("no reader number {0}")]
    NoSuchReader(usize),
}

/// Both designs' outcomes on the workload of `s`: (old KV design, new log).
pub fn run(s: &Scenario) -> Result<(Outcome, Outcome), SimError> {
    let w = Workload::generate(s);
    Ok((old_sim::run(s, &w)?, new_sim::run(s, &w)?))
}
