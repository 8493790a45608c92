//! A month of the comment stream, counted operation by operation, for four designs, priced by
//! [`crate::prices`].
//!
//! # Designs
//!
//! 1. [`Design::Original`]: the original write-up ([`crate::original`]). A 5 s poll lists
//!    `comment:` and gets every new key; a POST writes its key and read-modify-writes the cache.
//! 2. [`Design::OldKv`]: the previous KV design ([`crate::old_kv`]). Readers at one location
//!    share one list of the top page per [`EDGE_TTL_MS`]; the view is rebuilt per location.
//! 3. [`Design::LogPolling`]: the log object, every reader polling it every 5 s.
//! 4. [`Design::LogPush`]: the log object holding one hibernatable WebSocket per open page.
//!
//! # Assumptions (the knobs of [`Model`]; each is a named field)
//!
//! - Every reader is present all month; readers are spread evenly over the locations.
//! - Each human comment gets one bot reply: 2 POSTs per human comment, and the comment closed
//!   (1 PATCH in designs 1-2; in designs 3-4 the reply closes it in its own commit: a row
//!   written and, in design 4, a second frame to every socket, but no request).
//! - Designs 1–3: readers poll every 5 s and ask `/api/stats` every 5 minutes (the page's
//!   `STATS_EVERY_MS`); one bot polls every 3 s. Design 4: no polls and no stats (the total
//!   follows from the `s<n>` cursor); each page reconnects once an hour and opens a socket at
//!   each of its 4 sessions a day; it sends "ping" every 30 s, answered by the runtime (counted
//!   as a received message, billed 1/20, no duration); the bot holds one socket too.
//! - Every design: 4 page sessions per reader per day, each one bulk load.
//! - Object wall-clock: a request that commits nothing takes [`Model::handler_ms`]; a commit
//!   takes [`COMMIT_FIXED_MS`], plus, in design 4, [`SEND_MS_PER_SOCKET`] per socket, because
//!   the object sends each committed change (POSTs *and* PATCHes: `CommentLog::push`) to every
//!   socket in the same turn. The alarm that rewrites the KV view awaits a KV write
//!   ([`Model::alarm_ms`]). Between events the object is idle and hibernatable: not billed.
//! - The view alarm fires [`REFRESH_MS`] after the first change since the last one: one every
//!   `10 s + 1/changes-per-second`.
//! - A wake after eviction (an idle gap over [`Model::hibernate_after_s`]; Poisson events)
//!   reloads the head row and the in-memory tail: `1 + TAIL_CAP` rows read.
//! - Lower bounds where the original's code is not reproduced: its PATCH and stats are counted
//!   as one list each (the write-up listed keys for both; past 1000 stored, more).
//!
//! # Documented facts it encodes (prices and allowances: [`crate::prices`])
//!
//! - KV: a list costs ten reads; at most one write a second to one key (the old design's view
//!   key is rewritten from every location; the bench reports when that passes one a second).
//! - The Cache API, behind the old edge cache, is per data center: readers share a list only
//!   with readers at the same location.
//! - A DO alarm invocation is a billed DO request; it wakes a sleeping object, and a scheduled
//!   alarm is not among the documented conditions that keep an object from hibernating.
//! - An object with only hibernatable sockets is not billed while idle; auto-responses
//!   (`setWebSocketAutoResponse`) are answered without waking it.
//!
//! Per-request operation counts are the constants of [`crate::request_ops`]; `tests/costs.rs`
//! runs the designs' own code and asserts that it does exactly those operations.

use saywhatwant_api::log::TAIL_CAP;
use saywhatwant_api::recent::REFRESH_MS;

use crate::fanout::{COMMIT_FIXED_MS, SEND_MS_PER_SOCKET};
use crate::old_kv::edge::EDGE_TTL_MS;
use crate::prices::{Bill, Usage, SECONDS_PER_MONTH};
use crate::request_ops::*;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Original,
    OldKv,
    LogPolling,
    LogPush,
}

impl Design {
    pub const ALL: [Design; 4] = [
        Design::Original,
        Design::OldKv,
        Design::LogPolling,
        Design::LogPush,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Design::Original => "1. original write-up (KV)",
            Design::OldKv => "2. previous KV design",
            Design::LogPolling => "3. log, 5 s polling",
            Design::LogPush => "4. log, push (hibernatable sockets)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub readers: f64,
    /// Human comments a minute (bot replies come on top).
    pub human_per_min: f64,
    pub locations: usize,
}

impl Scale {
    pub fn small(locations: usize) -> Scale {
        Scale {
            readers: 1_000.0,
            human_per_min: 10.0,
            locations,
        }
    }

    pub fn large(locations: usize) -> Scale {
        Scale {
            readers: 10_000.0,
            human_per_min: 1_000.0,
            locations,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub poll_s: f64,
    pub bot_poll_s: f64,
    pub bots: f64,
    pub stats_s: f64,
    pub sessions_per_day: f64,
    pub reconnects_per_day: f64,
    pub ping_s: f64,
    pub handler_ms: f64,
    pub commit_ms: f64,
    pub send_ms_per_socket: f64,
    pub alarm_ms: f64,
    pub hibernate_after_s: f64,
    /// Random phase draws averaged for the edge cache's sharing.
    pub edge_trials: usize,
    pub seed: u64,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            poll_s: 5.0,
            bot_poll_s: 3.0,
            bots: 1.0,
            stats_s: 300.0,
            sessions_per_day: 4.0,
            reconnects_per_day: 24.0,
            ping_s: 30.0,
            handler_ms: 1.0,
            commit_ms: COMMIT_FIXED_MS,
            send_ms_per_socket: SEND_MS_PER_SOCKET,
            alarm_ms: 50.0,
            hibernate_after_s: 10.0,
            edge_trials: 64,
            seed: 0xC057,
        }
    }
}

/// One kind of request (or background operation): how many a month, and what each does.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub kind: &'static str,
    pub per_month: f64,
    pub each: Usage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub design: Design,
    pub scale: Scale,
    pub lines: Vec<Line>,
    pub usage: Usage,
    pub bill: Bill,
    /// The one log object's busy share of the month (0 for the KV designs); over 1 means
    /// one object cannot do it.
    pub utilisation: f64,
    /// List price of a million reader polls (design 4: of a million 5 s spans of one
    /// reader kept current by push).
    pub per_million_polls: f64,
}

fn busy(u: Usage, ms: f64) -> Usage {
    Usage { busy_ms: ms, ..u }
}

/// KV lists per 5 s period at one location whose readers poll at `phases` (ms within the
/// period), under `EdgeCachedKv`'s rule: a poll lists when the cached page is `ttl_ms` old
/// or more. Counted in the second period, when the cache is in its steady state.
pub fn edge_lists_in_period(phases: &[u64], period_ms: u64, ttl_ms: u64) -> u64 {
    let mut sorted = phases.to_vec();
    sorted.sort_unstable();
    let mut listed_at: Option<u64> = None;
    let mut lists = 0;
    for period in 0..2 {
        for &p in &sorted {
            let now = period * period_ms + p;
            if listed_at.is_none_or(|t| now - t >= ttl_ms) {
                listed_at = Some(now);
                lists += u64::from(period == 1);
            }
        }
    }
    lists
}

/// Shared lists a second at one location with `readers` polling at random phases.
pub fn edge_lists_per_s(readers: usize, model: &Model) -> f64 {
    let period = ((model.poll_s * 1000.0) as u64).max(1);
    let mut rng = Rng::new(model.seed ^ readers as u64);
    let trials = model.edge_trials.max(1);
    let total: u64 = (0..trials)
        .map(|_| {
            let phases: Vec<u64> = (0..readers).map(|_| rng.between(0, period - 1)).collect();
            edge_lists_in_period(&phases, period, EDGE_TTL_MS)
        })
        .sum();
    total as f64 / trials as f64 / model.poll_s
}

/// Events a second that end an idle spell longer than the hibernation delay (Poisson).
fn wakes_per_s(events_per_s: f64, model: &Model) -> f64 {
    events_per_s * (-events_per_s * model.hibernate_after_s).exp()
}

pub fn estimate(design: Design, scale: Scale, model: &Model) -> Estimate {
    let n = scale.readers;
    let locations = scale.locations.max(1) as f64;
    let human = scale.human_per_min / 60.0;
    let (posts, patches, changes) = (2.0 * human, human, 3.0 * human);
    let polls = n / model.poll_s;
    let bot_polls = model.bots / model.bot_poll_s;
    let stats = n / model.stats_s;
    let bulk = n * model.sessions_per_day / 86_400.0;
    let alarms = if changes > 0.0 {
        1.0 / (REFRESH_MS as f64 / 1000.0 + 1.0 / changes)
    } else {
        0.0
    };
    let wake = Usage {
        rows_read: 1.0 + TAIL_CAP as f64,
        ..NONE
    };
    let commit =
        |u: Usage, sockets: f64| busy(u, model.commit_ms + model.send_ms_per_socket * sockets);
    // (kind, per second, each)
    let per_s: Vec<(&'static str, f64, Usage)> = match design {
        Design::Original => vec![
            (
                "reader poll: list + a get per new key",
                polls,
                Usage {
                    kv_reads: posts * model.poll_s,
                    ..ORIGINAL_POLL
                },
            ),
            ("bot poll: cache read", bot_polls, ORIGINAL_CACHE_READ),
            ("POST: key + cache read-modify-write", posts, ORIGINAL_POST),
            ("PATCH (lower bound)", patches, ORIGINAL_PATCH),
            ("stats (lower bound)", stats, ORIGINAL_STATS),
            ("bulk load: cache read", bulk, ORIGINAL_CACHE_READ),
        ],
        Design::OldKv => {
            let here = (n / locations).round() as usize;
            let view_reads = (stats + bulk) / locations;
            let rebuilds = if view_reads > 0.0 {
                locations / (OLD_VIEW_REFRESH_S + 1.0 / view_reads)
            } else {
                0.0
            };
            vec![
                ("reader poll (edge-cached page)", polls, OLD_POLL),
                (
                    "shared top-page list",
                    locations * edge_lists_per_s(here, model),
                    KV_LIST,
                ),
                ("bot poll: own list", bot_polls, OLD_BOT_POLL),
                ("POST", posts, OLD_POST),
                ("PATCH", patches, OLD_PATCH),
                ("stats: view read", stats, OLD_VIEW_READ),
                ("bulk load: view read", bulk, OLD_VIEW_READ),
                ("view rebuild (per location)", rebuilds, OLD_VIEW_REBUILD),
            ]
        }
        Design::LogPolling => {
            let events = polls + bot_polls + stats + posts + alarms;
            vec![
                ("reader poll", polls, busy(LOG_READ, model.handler_ms)),
                ("bot poll", bot_polls, busy(LOG_READ, model.handler_ms)),
                ("stats", stats, busy(LOG_READ, model.handler_ms)),
                ("POST", posts, commit(LOG_POST, 0.0)),
                (
                    "reply closes its comment (same commit)",
                    patches,
                    LOG_REPLY_CLOSES,
                ),
                ("bulk load: KV view", bulk, LOG_BULK),
                ("view alarm", alarms, busy(LOG_ALARM, model.alarm_ms)),
                ("wake after eviction", wakes_per_s(events, model), wake),
            ]
        }
        Design::LogPush => {
            let sockets = n + model.bots;
            let connects = (n * (model.reconnects_per_day + model.sessions_per_day)
                + model.bots * model.reconnects_per_day)
                / 86_400.0;
            let events = connects + posts + alarms;
            vec![
                (
                    "socket connect",
                    connects,
                    busy(PUSH_CONNECT, model.handler_ms),
                ),
                (
                    "keep-alive ping (auto-answered)",
                    sockets / model.ping_s,
                    PUSH_PING,
                ),
                (
                    "POST + send to every socket",
                    posts,
                    commit(LOG_POST, sockets),
                ),
                (
                    "reply closes its comment + send to every socket",
                    patches,
                    busy(LOG_REPLY_CLOSES, model.send_ms_per_socket * sockets),
                ),
                ("bulk load: KV view", bulk, LOG_BULK),
                ("view alarm", alarms, busy(LOG_ALARM, model.alarm_ms)),
                ("wake after eviction", wakes_per_s(events, model), wake),
            ]
        }
    };
    let lines: Vec<Line> = per_s
        .into_iter()
        .map(|(kind, rate, each)| Line {
            kind,
            per_month: rate * SECONDS_PER_MONTH,
            each,
        })
        .collect();
    let usage = lines.iter().fold(NONE, |acc, l| acc + l.each * l.per_month);
    let utilisation = usage.busy_ms / 1000.0 / SECONDS_PER_MONTH;
    let per_million_polls = per_million_polls(design, &lines, n, model);
    Estimate {
        design,
        scale,
        bill: Bill::of(&usage),
        lines,
        usage,
        utilisation,
        per_million_polls,
    }
}

/// List price of what a million reader polls cost (the reader-driven lines, per poll). In
/// design 4 a "poll" is a reader's 5 s of being kept current: its share of connects and
/// pings, and the object's time sending to its socket.
fn per_million_polls(design: Design, lines: &[Line], readers: f64, model: &Model) -> f64 {
    let polls = readers / model.poll_s * SECONDS_PER_MONTH;
    let reader_kinds: &[&str] = match design {
        Design::Original | Design::LogPolling => &["reader poll"],
        Design::OldKv => &["reader poll", "shared top-page list"],
        Design::LogPush => &[
            "socket connect",
            "keep-alive ping",
            "POST + send",
            "PATCH + send",
        ],
    };
    let mut u = NONE;
    for l in lines
        .iter()
        .filter(|l| reader_kinds.iter().any(|k| l.kind.starts_with(k)))
    {
        let mut each = l.each;
        if l.kind.contains("send") {
            // Only the per-socket part belongs to readers; the commit itself does not.
            each = Usage {
                busy_ms: model.send_ms_per_socket * readers,
                ..NONE
            };
        }
        u = u + each * l.per_month;
    }
    Bill::of(&u).list_price() / polls * 1e6
}

/// Every design at one scale.
pub fn estimates(scale: Scale, model: &Model) -> Vec<Estimate> {
    Design::ALL
        .iter()
        .map(|&d| estimate(d, scale, model))
        .collect()
}
