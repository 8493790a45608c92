//! A month of the relay design (what is built: `worker/src/relay/`, `cloudflare/relay.rs`),
//! counted operation by operation and priced by [`crate::prices`], with each object's busy
//! share. Corrects the earlier model ([`crate::costs`], design 4) where it fell short:
//!
//! - **Hidden tabs** keep their socket (the page does not poll when hidden) and ping once a
//!   minute (browsers throttle a hidden tab's timers to that); visible ones every 30 s.
//! - **Duration is wall-clock per object**, billed while an object runs or awaits I/O inside
//!   a handler (Cloudflare: "idle and eligible for hibernation are not billed"). The log awaits
//!   each round's delivery (the slowest relay's work); a relay runs for each round it sends
//!   on ([`Model::round_fixed_ms`] plus [`Model::send_ms_per_socket`] a socket).
//! - **Rounds**: at most one per [`ROUND_MS`]; a relay request per round per relay, whatever
//!   the comment rate. Poisson commits at rate λ with a window τ leave λ / (1 + λτ) rounds a
//!   second.
//! - **Messages**: `messages_per_min` counts every comment in the stream; every other one is a
//!   bot's reply, which closes the comment it answers in its own commit (one more row).
//!   (Until issue 16's second stop the model read the scale as people's comments, each
//!   answered besides: twice the messages of the write-up's case.)
//! - **Rows**: one row written per comment, as the real SQLite counts it (no SQL index:
//!   `worker/src/cloudflare/sql.rs`), plus a hot table's 2 schema rows and the archive's row
//!   per block of 1 000.
//! - **Storage**: the log keeps its newest `hot_comments` (SQLite at $0.20 a GB-month beyond
//!   5 GB, 10 GB an object at most); older comments go to R2, a block of 1 000 an object
//!   ($0.015 a GB-month beyond 10 GB, $4.50 a million writes beyond 1 M, $0.36 a million reads
//!   beyond 10 M). The archive's storage is priced at the month's end, the worst day.
//! - **Worker CPU** (Standard: 30 M CPU-ms a month included, $0.02 a million beyond) and the
//!   alarm that rewrites the recent view (a DO request, a KV write and the alarm's own row).
//! - Sockets open at each of 4 sessions a day and once an hour more (deploys, evictions);
//!   every open is counted as also asking the log for its first frames (an upper bound: a
//!   relay answers from its own tail when it can).
//! - **Pings only after silence** (a page that hears frames sends none), and readers online
//!   (relays' reports and the log's pushes, at most every 5 s each).
//! - The measured send time, 0.05 ms a socket (docs/benchmarks.md), not the 0.15 ms of the
//!   first reading.

use saywhatwant_api::relay::route::MAX_SOCKETS_PER_RELAY;
use saywhatwant_api::relay::ROUND_MS;
use saywhatwant_wire::live::ONLINE_EVERY_MS;

use crate::prices::{Bill, Usage, OBJECT_GB, SECONDS_PER_MONTH};

/// SQLite storage beyond the included 5 GB, per GB-month.
pub const STORAGE_DOLLARS_PER_GB_MONTH: f64 = 0.20;
pub const STORAGE_INCLUDED_GB: f64 = 5.0;
/// What one Durable Object may store.
pub const OBJECT_STORAGE_LIMIT_GB: f64 = 10.0;
/// Workers Standard CPU time.
pub const CPU_MS_INCLUDED: f64 = 30e6;
pub const CPU_DOLLARS_PER_MILLION_MS: f64 = 0.02;
/// R2 (Standard): storage beyond 10 GB per GB-month, Class A (writes) beyond 1 M a month per
/// million.
pub const R2_DOLLARS_PER_GB_MONTH: f64 = 0.015;
pub const R2_INCLUDED_GB: f64 = 10.0;
pub const R2_CLASS_A_DOLLARS_PER_MILLION: f64 = 4.50;
pub const R2_CLASS_A_INCLUDED: f64 = 1e6;
/// Comments a hot table and an archived block hold (`worker/src/log/archive.rs`).
pub const BLOCK: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub readers: f64,
    pub hidden_share: f64,
    /// Comments a minute, replies included: every other one a bot's reply, which closes the
    /// comment it answers in the same commit.
    pub messages_per_min: f64,
    /// Regions the readers are spread over (a relay group each).
    pub regions: f64,
    pub sockets_per_relay: f64,
    pub round_ms: f64,
    pub send_ms_per_socket: f64,
    pub round_fixed_ms: f64,
    /// The log's time per commit, and per request that commits nothing.
    pub commit_ms: f64,
    pub handler_ms: f64,
    /// One region to another, one way (the log's round to a far relay).
    pub hop_ms: f64,
    pub rows_written_per_post: f64,
    /// Stored bytes per comment.
    pub bytes_per_comment: f64,
    /// Comments the log keeps in its SQLite; older ones are archived.
    pub hot_comments: f64,
    /// Rounds reach relays as messages on a link the log holds open (billed 1 in 20 at the
    /// relay; one round in 30 s a relay still goes as a request, the link's check) instead of
    /// one request each. Built (`cloudflare/object/links.rs`); `false` prices the requests.
    pub rounds_over_sockets: bool,
    /// Posts go over the poster's relay socket (a message in, then the relay's request to the
    /// log) instead of a Worker request, as the page and the bot do while they hold one.
    pub posts_over_socket: bool,
    pub sessions_per_day: f64,
    pub reconnects_per_day: f64,
    pub visible_ping_s: f64,
    pub hidden_ping_s: f64,
    pub worker_cpu_ms_per_request: f64,
}

impl Model {
    pub fn new(readers: f64, messages_per_min: f64, regions: f64) -> Model {
        Model {
            readers,
            hidden_share: 0.2,
            messages_per_min,
            regions,
            sockets_per_relay: MAX_SOCKETS_PER_RELAY as f64,
            round_ms: ROUND_MS as f64,
            send_ms_per_socket: 0.05,
            round_fixed_ms: 1.0,
            commit_ms: 2.0,
            handler_ms: 1.0,
            hop_ms: 40.0,
            rows_written_per_post: 1.0,
            bytes_per_comment: 600.0,
            hot_comments: 50_000.0,
            rounds_over_sockets: true,
            posts_over_socket: true,
            sessions_per_day: 4.0,
            reconnects_per_day: 24.0,
            visible_ping_s: 30.0,
            hidden_ping_s: 60.0,
            worker_cpu_ms_per_request: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    pub relays: f64,
    pub rounds_per_s: f64,
    /// The share of the month the log works (its capacity: target ≤ 50 %), and the share it
    /// is billed for (working, or awaiting a round's delivery).
    pub log_busy: f64,
    pub log_billed: f64,
    /// The share each relay works (and is billed for).
    pub relay_busy: f64,
    pub usage: Usage,
    pub bill: Bill,
    /// What the log's SQLite holds (its hot rows), and what its storage costs.
    pub log_gb: f64,
    pub storage_dollars: f64,
    /// What the archive gains a month, and what it costs at the month's end (storage and
    /// writes).
    pub archive_gb_per_month: f64,
    pub archive_dollars: f64,
    pub cpu_dollars: f64,
}

impl Month {
    pub fn total(&self) -> f64 {
        self.bill.total() + self.storage_dollars + self.archive_dollars + self.cpu_dollars
    }

    /// Dollars per comment, end to end.
    pub fn per_comment(&self, m: &Model) -> f64 {
        self.total() / (m.messages_per_min * 60.0 * 24.0 * 30.0)
    }
}

pub fn month(m: &Model) -> Month {
    let s = SECONDS_PER_MONTH;
    let commits_per_s = m.messages_per_min / 60.0;
    let replies = commits_per_s / 2.0 * s;
    let tau = m.round_ms / 1000.0;
    let rounds_per_s = commits_per_s / (1.0 + commits_per_s * tau);
    let per_region = m.readers / m.regions;
    let relays = m.regions * (per_region / m.sockets_per_relay).ceil().max(1.0);
    let sockets_per_relay = m.readers / relays;
    let relay_round_ms = m.round_fixed_ms + sockets_per_relay * m.send_ms_per_socket;
    let opens = m.readers * (m.sessions_per_day + m.reconnects_per_day) * 30.0;
    let first_loads = m.readers * m.sessions_per_day * 30.0;
    let posts = commits_per_s * s;
    // Pings only after silence: a page pings when no frame came for its interval, which
    // Poisson rounds leave with probability e^(-rate × interval). (Every socket is counted as
    // getting every round: a filtered one hears less, and pings a little more.)
    let quiet = |interval: f64| (-rounds_per_s * interval).exp();
    let pings = m.readers
        * s
        * ((1.0 - m.hidden_share) * quiet(m.visible_ping_s) / m.visible_ping_s
            + m.hidden_share * quiet(m.hidden_ping_s) / m.hidden_ping_s);
    // Readers online: a relay whose sockets changed reports 5 s later (its alarm and a request
    // to the log), at most every 5 s; the log's push rides on a round while rounds flow, else
    // is an empty round to every relay, at most every 5 s.
    let every = ONLINE_EVERY_MS as f64 / 1000.0;
    let changes_per_relay = opens * 2.0 / s / relays;
    let reports = relays * s * changes_per_relay.min(1.0 / every);
    let pushes_alone = (reports / relays).min(s / every) * quiet(every) * relays;
    // The view alarm: one every 10 s while the stream changes.
    let alarms = if commits_per_s > 0.0 {
        s / (10.0 + 1.0 / commits_per_s)
    } else {
        0.0
    };
    let rounds = rounds_per_s * s * relays;
    let (round_requests, round_messages) = if m.rounds_over_sockets {
        let checks = (rounds_per_s * s).min(s / 30.0) * relays;
        (checks, rounds - checks)
    } else {
        (rounds, 0.0)
    };
    // Posts over a socket (people's and the bots' replies) skip the Worker; the relay still
    // asks the log.
    let socket_posts = if m.posts_over_socket { posts } else { 0.0 };
    // The log works for its commits, the first frames of opening sockets and the alarms; it
    // is billed also while it awaits each round's slowest relay (there and back).
    let log_ms = posts * m.commit_ms + opens * m.handler_ms + alarms * 5.0;
    let log_busy = (log_ms / 1000.0 / s).min(1.0);
    let awaiting_ms = rounds_per_s * s * (relay_round_ms + 2.0 * m.hop_ms);
    // Its links keep the log in memory (billed all month); without them it is billed while it
    // awaits each round's slowest relay.
    let log_billed = if m.rounds_over_sockets {
        1.0
    } else {
        ((log_ms + awaiting_ms) / 1000.0 / s).min(1.0)
    };
    let relay_ms_each =
        rounds_per_s * s * relay_round_ms + (opens + socket_posts) / relays * m.handler_ms;
    let relay_busy = (relay_ms_each / 1000.0 / s).min(1.0);
    let blocks = posts / BLOCK;
    let usage = Usage {
        worker_requests: posts - socket_posts + opens + first_loads,
        do_requests: posts + opens * 2.0 + round_requests + alarms + reports * 2.0 + pushes_alone,
        ws_messages_in: pings + round_messages + socket_posts,
        busy_ms: (log_billed + relay_busy * relays) * s * 1000.0,
        rows_read: opens + posts + blocks * BLOCK,
        rows_written: posts * m.rows_written_per_post + replies + alarms + blocks * 3.0,
        kv_reads: first_loads,
        kv_writes: alarms,
        kv_lists: 0.0,
    };
    let log_gb = posts.min(m.hot_comments) * m.bytes_per_comment / 1e9;
    let storage_dollars = (log_gb - STORAGE_INCLUDED_GB).max(0.0) * STORAGE_DOLLARS_PER_GB_MONTH;
    let archive_gb_per_month = (posts - m.hot_comments).max(0.0) * m.bytes_per_comment / 1e9;
    let archive_dollars = (archive_gb_per_month - R2_INCLUDED_GB).max(0.0)
        * R2_DOLLARS_PER_GB_MONTH
        + (blocks - R2_CLASS_A_INCLUDED).max(0.0) / 1e6 * R2_CLASS_A_DOLLARS_PER_MILLION;
    let cpu_ms = usage.worker_requests * m.worker_cpu_ms_per_request;
    let cpu_dollars = (cpu_ms - CPU_MS_INCLUDED).max(0.0) / 1e6 * CPU_DOLLARS_PER_MILLION_MS;
    Month {
        relays,
        rounds_per_s,
        log_busy,
        log_billed,
        relay_busy,
        bill: Bill::of(&usage),
        usage,
        log_gb,
        storage_dollars,
        archive_gb_per_month,
        archive_dollars,
        cpu_dollars,
    }
}

/// The duration the month bills, in GB-s (for the report).
pub fn gb_s(month: &Month) -> f64 {
    month.usage.busy_ms / 1000.0 * OBJECT_GB
}
