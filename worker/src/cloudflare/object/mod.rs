//! The log object: one SQLite-backed Durable Object (`CommentLog`, named "stream") that
//! sequences, stores and serves the whole stream. The readers' live sockets are held by relay
//! objects (`relay.rs`); the log sends each round of commits once to each relay.
//!
//! Platform calls and why:
//! - `state.storage().sql()`: synchronous SQLite in the object. A command runs start to end
//!   without yielding, so two racing POSTs of one id cannot both insert, and the output gate
//!   holds each answer until its write is durable. The relays that hold sockets are a small
//!   table there (`registry.rs`), so a restarted log still knows where to send.
//! - The relays are reached through their namespace binding, by name, one request per round
//!   each. Commits that arrive while a round is on its way go out together in the next one,
//!   so under load rounds grow instead of multiplying.
//! - `storage().set_alarm`: coalesces rewrites of the KV recent view to one per
//!   [`REFRESH_MS`] while the stream changes.

use std::cell::{Cell, RefCell, RefMut};
use std::time::Duration;

use saywhatwant_wire::ErrorBody;
use worker::{
    durable_object, wasm_bindgen, Date, Delay, DurableObject, Env, Request, Response, Result, State,
};

mod archiving;
mod links;
mod online;

use super::ids::new_id;
use super::kv::WorkersKv;
use super::registry::Registry;
use super::sql::SqlStore;
use super::KV_BINDING;
use crate::log::archive::Plan;
use crate::log::command::{serve, Command, Reply};
use crate::log::{Change, Log, LogError, LogStore, Usage};
use crate::recent::{self, RecentView, REFRESH_MS};
use crate::relay::presence::Online;
use crate::relay::{Item, Round, ROUND_MS};

/// Archived blocks retention deletes per alarm.
const EXPIRE_BATCH: usize = 10;

/// A log error as the API answers it.
fn log_failure(e: LogError) -> Result<Response> {
    match e {
        LogError::CursorAhead { .. } => failure(410, "cursor_expired", e.to_string()),
        LogError::Store(_) | LogError::InArchive(_) => {
            failure(503, "storage_unavailable", e.to_string())
        }
    }
}

/// Comments retention deletes per alarm: about 2 500 rows written, a few milliseconds.
const PRUNE_BATCH: usize = 500;

/// The header that reports a command's storage rows (read by the benchmarks).
pub const ROWS_HEADER: &str = "X-Log-Rows";

#[durable_object]
pub struct CommentLog {
    state: State,
    env: Env,
    /// Opened on first use after each start (one row read: the newest).
    log: RefCell<Option<Log<SqlStore>>>,
    /// A view rewrite is scheduled (forgotten on eviction; the alarm itself is not).
    view_scheduled: Cell<bool>,
    /// What retention deleted since this instance started: comments, and the rows that cost
    /// (read, written), as the object's SQLite counts them (`/info`, for the benchmarks).
    pruned: Cell<(u64, Usage)>,
    /// The relays that hold sockets, read on first use.
    relays: RefCell<Option<Registry>>,
    /// What was committed since the round on its way left.
    next_round: RefCell<Option<Round>>,
    /// A round is on its way to the relays.
    sending: Cell<bool>,
    /// When the last round left (ms since the epoch).
    last_round: Cell<u64>,
    /// Readers online as last pushed (`online.rs`).
    online: RefCell<Online>,
    /// The open links to relays, by name (`links.rs`).
    links: RefCell<std::collections::HashMap<String, links::Link>>,
    /// Rounds sent to relays since this instance started: on links, and as requests
    /// (`/info`, for the tests and benchmarks).
    sent: Cell<(u64, u64)>,
}

fn failure(status: u16, code: &str, error: String) -> Result<Response> {
    Ok(Response::from_json(&ErrorBody {
        error,
        code: code.into(),
    })?
    .with_status(status))
}

impl DurableObject for CommentLog {
    fn new(state: State, env: Env) -> Self {
        CommentLog {
            state,
            env,
            log: RefCell::new(None),
            view_scheduled: Cell::new(false),
            pruned: Cell::new((0, Usage::default())),
            relays: RefCell::new(None),
            next_round: RefCell::new(None),
            sending: Cell::new(false),
            last_round: Cell::new(0),
            online: RefCell::new(Online::default()),
            links: RefCell::new(std::collections::HashMap::new()),
            sent: Cell::new((0, 0)),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/command" => self.command(req).await,
            "/presence" => self.presence(req).await,
            "/close-sockets" => {
                let closed = self.ask_relays("close-sockets", "closed").await;
                Response::from_json(&serde_json::json!({
                    "closed": closed.iter().map(|(_, n)| n).sum::<u64>(),
                    "relays": closed.len(),
                }))
            }
            "/info" => {
                let sockets = self.ask_relays("info", "sockets").await;
                let log = self.log()?;
                Response::from_json(&serde_json::json!({
                    "sockets": sockets.iter().map(|(_, n)| n).sum::<u64>(),
                    "relays": sockets
                        .iter()
                        .map(|(name, n)| serde_json::json!({ "name": name, "sockets": n }))
                        .collect::<Vec<_>>(),
                    "head": log.head(),
                    "hotFloor": log.store().hot_floor().unwrap_or(1),
                    "rounds": {
                        "linked": self.sent.get().0,
                        "requests": self.sent.get().1,
                        "links": self.links.borrow().len(),
                    },
                    "tail": log.tail_len(),
                    "tailBytes": log.tail_bytes(),
                    // The object's Wasm linear memory: its heap, tail included.
                    "wasmMemoryBytes": core::arch::wasm32::memory_size(0) * 65_536,
                    "pruned": {
                        "comments": self.pruned.get().0,
                        "rowsRead": self.pruned.get().1.rows_read,
                        "rowsWritten": self.pruned.get().1.rows_written,
                    },
                }))
            }
            other => failure(404, "not_found", format!("the log has no {other}")),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        self.view_scheduled.set(false);
        let (view, more) = {
            let mut log = self.log()?;
            // Retention, a small batch at a time: each alarm holds the object for a few ms.
            let before = log.store().usage();
            let pruned = log.prune(PRUNE_BATCH).unwrap_or_else(|e| {
                worker::console_warn!("retention: {e}");
                0
            });
            let (comments, rows) = self.pruned.get();
            self.pruned
                .set((comments + pruned, rows + (log.store().usage() - before)));
            (
                RecentView::build(&mut log, Date::now().as_millis()),
                pruned == PRUNE_BATCH as u64,
            )
        };
        // History out of the one object, a block per alarm while blocks are due.
        self.expire_blocks().await;
        let more = self.archive_step().await || more;
        if more {
            self.schedule_view().await;
        }
        match view {
            Ok(view) => {
                let kv = WorkersKv(self.env.kv(KV_BINDING)?);
                if let Err(e) = recent::store(&kv, &view).await {
                    // The view is derived: a failed write costs freshness of first loads only.
                    worker::console_warn!("writing the recent view: {e}");
                }
            }
            Err(e) => worker::console_warn!("building the recent view: {e}"),
        }
        Response::ok("")
    }
}

impl CommentLog {
    fn log(&self) -> Result<RefMut<'_, Log<SqlStore>>> {
        let mut slot = self.log.borrow_mut();
        if slot.is_none() {
            let store = SqlStore::open(self.state.storage().sql())
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            *slot = Some(Log::open(store).map_err(|e| worker::Error::RustError(e.to_string()))?);
        }
        RefMut::filter_map(slot, Option::as_mut)
            .map_err(|_| worker::Error::RustError("the log did not open".into()))
    }

    async fn command(&self, mut req: Request) -> Result<Response> {
        // Parsed by serde_json from the bytes, not by `req.json()`: that goes through a JS
        // number, which rounds integers past 2^53 (an imported timestamp the log must refuse
        // by name, not misread) and costs a pass through JS objects.
        let command: Result<Command, String> = match req.bytes().await {
            Ok(body) => serde_json::from_slice(&body).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let command = match command {
            Ok(c) => c,
            Err(e) => return failure(400, "invalid_command", format!("not a log command: {e}")),
        };
        let now = Date::now().as_millis();
        // A relay asking for a socket's first frames gets rounds from now on: registered in
        // the same turn as its frames are read, so no round falls between them.
        if let Command::Join { relay, .. } = &command {
            if let Err(e) = self.registry().map(|mut r| r.join(relay)) {
                return failure(503, "storage_unavailable", e.to_string());
            }
        }
        // A read below the hot rows needs blocks from the archive, fetched before the log
        // answers from them.
        if let Command::Read { query } = &command {
            let plan = match self.log() {
                Ok(mut log) => log.plan(query),
                Err(e) => return failure(503, "storage_unavailable", e.to_string()),
            };
            match plan {
                Ok(Plan::Hot) => {}
                Ok(Plan::Archive { from, blocks }) => {
                    return self.read_archive(query, from, blocks).await
                }
                Err(e) => return log_failure(e),
            }
        }
        // Runs without yielding: the borrow ends before anything below awaits.
        let served = match self.log() {
            Ok(mut log) => {
                let before = log.head();
                serve(&mut log, command, new_id, now).map(|s| (s, before, log.head()))
            }
            Err(e) => return failure(503, "storage_unavailable", e.to_string()),
        };
        let (mut served, before, head) = match served {
            Ok(s) => s,
            Err(e) => return log_failure(e),
        };
        // A new socket learns how many are reading with its first frames.
        if let Reply::Joined { online, .. } = &mut served.reply {
            *online = Some(self.online_sum());
        }
        if let Reply::Moderation { state } = &mut served.reply {
            // Asked of each relay (the operator's page, now and then): rounds on links bring
            // no socket counts, and reports lag a change by a few seconds.
            let sockets = self.ask_relays("info", "sockets").await;
            let f = &mut state.figures;
            f.sockets = sockets.iter().map(|(_, n)| n).sum();
            f.wasm_memory_bytes = (core::arch::wasm32::memory_size(0) * 65_536) as u64;
            f.storage_bytes = self.log().map(|l| l.store().size()).unwrap_or(0);
        }
        let rows = format!(
            "read={}, written={}",
            served.usage.rows_read, served.usage.rows_written
        );
        let response = Response::from_json(&served.reply)?;
        response.headers().set(ROWS_HEADER, &rows)?;
        // An import changes the history but pushes nothing: the view and the archive still
        // have to hear of it.
        if matches!(&served.reply, Reply::Imported { report } if report.imported > 0) {
            self.schedule_view().await;
        }
        if !served.changed.is_empty() {
            self.add_to_round(served.changed, before, head);
            self.schedule_view().await;
            self.send_rounds().await;
        }
        Ok(response)
    }

    /// Adds what a command committed to the next round: comments numbered above `before` are
    /// new, the others changed.
    fn add_to_round(&self, changed: Vec<Change>, before: u64, head: u64) {
        let mut next = self.next_round.borrow_mut();
        let round = next.get_or_insert_with(|| Round {
            from: before,
            to: head,
            ..Round::default()
        });
        round.to = head;
        for change in changed {
            match change {
                Change::Comment(e) => round.items.push(Item {
                    update: e.seq <= before,
                    seq: e.seq,
                    comment: e.comment,
                }),
                Change::Removed(id) => round.removed.push(id),
            }
        }
    }

    /// Sends the rounds to every relay, one round at a time; commits made meanwhile wait
    /// for the next round (which is how rounds grow under load).
    async fn send_rounds(&self) {
        if self.sending.replace(true) {
            return;
        }
        loop {
            // One round per ROUND_MS at most: what commits meanwhile joins the next. The
            // commit that waits answers its POST that much later (the page shows a post as
            // sent before the answer); a commit after a quiet spell goes at once.
            let wait = (self.last_round.get() + ROUND_MS).saturating_sub(Date::now().as_millis());
            if wait > 0 {
                Delay::from(Duration::from_millis(wait)).await;
            }
            let Some(mut round) = self.next_round.borrow_mut().take() else {
                break;
            };
            let now = Date::now().as_millis();
            self.last_round.set(now);
            // Readers online rides along when it changed (no request of its own).
            if round.online.is_none() {
                round.online = self.online.borrow_mut().ride(self.online_sum(), now);
            }
            let (names, number) = match self.registry() {
                Ok(mut r) => (r.names(), r.next_round()),
                Err(e) => {
                    worker::console_warn!("the relays: {e}");
                    break;
                }
            };
            let Ok(body) = serde_json::to_string(&round) else {
                break;
            };
            // On each relay's link; as a request where there is none, or for a check.
            let mut by_request = Vec::new();
            let names_count = names.len();
            for name in names {
                if !self.send_linked(&name, &body).await {
                    by_request.push(name);
                }
            }
            let (linked, requests) = self.sent.get();
            self.sent.set((
                linked + (names_count - by_request.len()) as u64,
                requests + by_request.len() as u64,
            ));
            let sent = futures::future::join_all(
                by_request
                    .iter()
                    .map(|name| super::call_relay(&self.env, name, "round", Some(body.clone()))),
            )
            .await;
            for (name, answer) in by_request.iter().zip(sent) {
                match answer.map(|a| a.get("sockets").and_then(|n| n.as_u64())) {
                    Ok(Some(sockets)) => {
                        match self
                            .registry()
                            .and_then(|mut r| r.answered(name, sockets, number))
                        {
                            Ok(true) => self.drop_link(name),
                            Ok(false) => {}
                            Err(e) => worker::console_warn!("the relays: {e}"),
                        }
                    }
                    // It will see the gap in the next round and ask for what it missed.
                    Ok(None) => worker::console_warn!("relay {name}: no socket count"),
                    Err(e) => worker::console_warn!("relay {name}: {e}"),
                }
            }
        }
        self.sending.set(false);
    }

    /// Asks every relay `path`: the number each answers under `key`.
    async fn ask_relays(&self, path: &str, key: &str) -> Vec<(String, u64)> {
        let names = self.registry().map(|r| r.names()).unwrap_or_default();
        let answers = futures::future::join_all(
            names
                .iter()
                .map(|n| super::call_relay(&self.env, n, path, None)),
        )
        .await;
        names
            .into_iter()
            .zip(answers)
            .map(|(name, a)| {
                let n = a.ok().and_then(|v| v.get(key).and_then(|n| n.as_u64()));
                (name, n.unwrap_or(0))
            })
            .collect()
    }

    fn registry(&self) -> Result<RefMut<'_, Registry>> {
        let mut slot = self.relays.borrow_mut();
        if slot.is_none() {
            *slot = Some(
                Registry::open(self.state.storage().sql())
                    .map_err(|e| worker::Error::RustError(e.to_string()))?,
            );
        }
        RefMut::filter_map(slot, Option::as_mut)
            .map_err(|_| worker::Error::RustError("the relays did not load".into()))
    }

    async fn schedule_view(&self) {
        if self.view_scheduled.replace(true) {
            return;
        }
        // After an eviction the flag is gone but the alarm may still be set: setting it again
        // would push the rewrite back each time the object wakes.
        if let Ok(Some(_)) = self.state.storage().get_alarm().await {
            return;
        }
        if let Err(e) = self.state.storage().set_alarm(REFRESH_MS as i64).await {
            self.view_scheduled.set(false);
            worker::console_warn!("scheduling the recent view: {e}");
        }
    }
}
