//! The log object: one SQLite-backed Durable Object (`CommentLog`, named "stream") that
//! sequences, stores and serves the whole stream, and holds the readers' live sockets.
//!
//! Platform calls and why:
//! - `state.storage().sql()`: synchronous SQLite in the object. A command runs start to end
//!   without yielding, so two racing POSTs of one id cannot both insert, and the output gate
//!   holds each answer until its write is durable.
//! - `state.accept_web_socket`: the hibernation API. Sockets stay open while the object is
//!   evicted from memory; no duration is billed for a sleeping object, and
//!   `state.get_websockets()` finds them all again after a wake-up.
//! - `set_websocket_auto_response("ping" → "pong")`: the runtime answers keep-alives itself,
//!   without waking the object; `getWebSocketAutoResponseTimestamp` (see `hibernation.rs`) says
//!   when it last did, so a commit can close the sockets that stopped pinging.
//! - `serialize_attachment`: each socket's filter and opening time, kept through hibernation.
//! - `storage().set_alarm`: coalesces rewrites of the KV recent view to one per
//!   [`REFRESH_MS`] while the stream changes.

use std::cell::{Cell, RefCell, RefMut};

use saywhatwant_wire::{CommentsPage, CommentsQuery, ErrorBody};
use worker::{
    durable_object, wasm_bindgen, worker_sys::WebSocketRequestResponsePair, Date, DurableObject,
    Env, Request, Response, ResponseBuilder, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

use super::hibernation::last_ping;
use super::ids::new_id;
use super::kv::WorkersKv;
use super::sql::SqlStore;
use super::KV_BINDING;
use crate::log::command::{serve, Command, Reply};
use crate::log::live::{
    self, Attachment, Opening, CLOSE_BEHIND, CLOSE_IDLE, CLOSE_UNKNOWN_CURSOR, IDLE_AFTER_MS,
};
use crate::log::{Change, Filter, Log, LogError, LogStore, StoreError, Usage};
use crate::recent::{self, RecentView, REFRESH_MS};
use saywhatwant_wire::live as contract;

/// Comments retention deletes per alarm: about 2 500 rows written, a few milliseconds.
const PRUNE_BATCH: usize = 500;

/// The header that reports a command's storage rows (read by the benchmarks).
pub const ROWS_HEADER: &str = "X-Log-Rows";
/// The network a socket is counted under, set by the Worker (absent: a bot, exempt).
pub const NETWORK_HEADER: &str = "X-Sww-Network";

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
        if let Ok(pair) = WebSocketRequestResponsePair::new(contract::PING, contract::PONG) {
            state.set_websocket_auto_response(&pair);
        }
        CommentLog {
            state,
            env,
            log: RefCell::new(None),
            view_scheduled: Cell::new(false),
            pruned: Cell::new((0, Usage::default())),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/command" => self.command(req).await,
            "/live" => self.live(&req),
            "/close-sockets" => {
                let sockets = self.state.get_websockets();
                for ws in &sockets {
                    // 1012: the service restarts; clients come back from their cursors.
                    let _ = ws.close(Some(1012), Some("closed by the operator: reconnect"));
                }
                Response::from_json(&serde_json::json!({ "closed": sockets.len() }))
            }
            "/info" => {
                let log = self.log()?;
                Response::from_json(&serde_json::json!({
                    "sockets": self.state.get_websockets().len(),
                    "head": log.head(),
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

    async fn websocket_message(
        &self,
        _ws: WebSocket,
        _msg: WebSocketIncomingMessage,
    ) -> Result<()> {
        // What a reader sends changes nothing (keep-alives are answered by the runtime).
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        // Completes the closing handshake; the socket may already be gone.
        let code = if (1000..5000).contains(&code) && code != 1005 && code != 1006 {
            code as u16
        } else {
            1000
        };
        let _ = ws.close(Some(code), Some(reason));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
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
        // Runs without yielding: the borrow ends before anything below awaits.
        let served = match self.log() {
            Ok(mut log) => serve(&mut log, command, new_id, now).map(|s| (s, log.head())),
            Err(e) => return failure(503, "storage_unavailable", e.to_string()),
        };
        let (mut served, head) = match served {
            Ok(s) => s,
            Err(e @ LogError::CursorAhead { .. }) => {
                return failure(410, "cursor_expired", e.to_string())
            }
            Err(LogError::Store(e)) => return failure(503, "storage_unavailable", e.to_string()),
        };
        for change in &served.changed {
            self.push(change, head);
        }
        if !served.changed.is_empty() {
            self.schedule_view().await;
        }
        if let Reply::Moderation { state } = &mut served.reply {
            let f = &mut state.figures;
            f.sockets = self.state.get_websockets().len() as u64;
            f.wasm_memory_bytes = (core::arch::wasm32::memory_size(0) * 65_536) as u64;
            f.storage_bytes = self.log().map(|l| l.store().size()).unwrap_or(0);
        }
        let rows = format!(
            "read={}, written={}",
            served.usage.rows_read, served.usage.rows_written
        );
        let response = Response::from_json(&served.reply)?;
        response.headers().set(ROWS_HEADER, &rows)?;
        Ok(response)
    }

    /// Sends a committed change to every socket whose filter it passes (a takedown to all),
    /// and closes the sockets that have been silent too long instead.
    fn push(&self, change: &Change, head: u64) {
        let mut frame: Option<String> = None;
        let now = Date::now().as_millis();
        let idle_after = self.idle_after_ms();
        for ws in self.state.get_websockets() {
            let socket: Attachment = match ws.deserialize_attachment() {
                Ok(Some(a)) => a,
                _ => Attachment::default(),
            };
            if live::is_idle(socket.opened, last_ping(&self.state, &ws), now, idle_after) {
                let _ = ws.close(Some(CLOSE_IDLE), Some("no keep-alive heard: reconnect"));
                continue;
            }
            if let Change::Comment(entry) = change {
                if !socket.filter.matches(&entry.comment) {
                    continue;
                }
            }
            let text = frame.get_or_insert_with(|| {
                let page = match change {
                    Change::Comment(entry) => live::change(entry, head),
                    Change::Removed(id) => live::removal(id, head),
                };
                serde_json::to_string(&page).unwrap_or_default()
            });
            // A socket that is closing fails here; its close event cleans it up.
            let _ = ws.send_with_str(text.as_str());
        }
    }

    /// [`IDLE_AFTER_MS`], or `SOCKET_IDLE_SECONDS` (the live tests shorten it).
    fn idle_after_ms(&self) -> u64 {
        self.env
            .var("SOCKET_IDLE_SECONDS")
            .ok()
            .and_then(|v| v.to_string().trim().parse::<u64>().ok())
            .map_or(IDLE_AFTER_MS, |s| s * 1_000)
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

    /// Accepts a socket (validated by the Worker) and sends it what follows its cursor, in
    /// the same turn, so no commit can fall between the backlog and the live frames.
    fn live(&self, req: &Request) -> Result<Response> {
        let url = req.url()?;
        let q = CommentsQuery::from_pairs(
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect::<Vec<_>>()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
        // Tags are how the runtime finds a network's sockets again after hibernation.
        let tag = req
            .headers()
            .get(NETWORK_HEADER)?
            .map(|network| format!("net:{network}"));
        let pair = WebSocketPair::new()?;
        let server = pair.server;
        let admitted = live::admit(
            tag.as_deref()
                .map(|t| self.state.get_websockets_with_tag(t).len()),
            self.state.get_websockets().len(),
        );
        match &tag {
            Some(t) => self
                .state
                .accept_websocket_with_tags(&server, &[t.as_str()]),
            None => self.state.accept_web_socket(&server),
        }
        if let Err(refusal) = admitted {
            let (code, reason) = refusal.close();
            server.close(Some(code), Some(reason))?;
            return Ok(ResponseBuilder::new()
                .with_status(101)
                .with_websocket(pair.client)
                .empty());
        }
        let opening = match self.log() {
            Ok(mut log) => live::open(&mut log, &q),
            Err(e) => Err(LogError::Store(StoreError(e.to_string()))),
        };
        match opening {
            Ok(Opening::Frames(frames)) => {
                server.serialize_attachment(Attachment {
                    filter: Filter::of(&q),
                    opened: Date::now().as_millis(),
                })?;
                for f in &frames {
                    send(&server, f)?;
                }
            }
            Ok(Opening::TooFarBehind) => server.close(
                Some(CLOSE_BEHIND),
                Some("too far behind: catch up by polling"),
            )?,
            Err(LogError::CursorAhead { .. }) => server.close(
                Some(CLOSE_UNKNOWN_CURSOR),
                Some("the cursor is not from this stream: load again"),
            )?,
            Err(LogError::Store(e)) => {
                worker::console_warn!("opening a live socket: {e}");
                server.close(Some(1011), Some("the log is unavailable"))?
            }
        }
        Ok(ResponseBuilder::new()
            .with_status(101)
            .with_websocket(pair.client)
            .empty())
    }
}

fn send(ws: &WebSocket, frame: &CommentsPage) -> Result<()> {
    ws.send_with_str(serde_json::to_string(frame)?)
}
