//! A relay object (`Relay`, named by `relay::route`): it holds readers' live sockets, gets
//! each round of commits once from the log, and sends it on to every socket it concerns.
//!
//! Platform calls and why:
//! - `state.accept_websocket_with_tags`: hibernation, as the log did before relays. Sockets
//!   stay open while the relay is evicted; the tag (`net:<network>`) counts a network's
//!   sockets after a wake-up. The Worker sends every socket of a network to the same relay,
//!   so the per-network cap is exact.
//! - `serialize_attachment`: each socket's filter, opening time and `at` (the head it joined
//!   at); one socket also keeps the relay's head, so a relay woken from hibernation resumes
//!   where it stood instead of sending anything twice.
//! - `set_websocket_auto_response("ping" → "pong")`: keep-alives answered without waking it;
//!   `getWebSocketAutoResponseTimestamp` tells the idle rule when.
//! - The log is reached through its namespace binding, by name, one request per command.
//!
//! Work is done in arrival order, one job at a time (`drain`): a socket's first frames are
//! fetched and sent before any later round is forwarded, so no round can fall between a
//! socket's backlog and its live frames.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use saywhatwant_wire::{CommentsPage, CommentsQuery, Cursor, ErrorBody};
use worker::{
    durable_object, wasm_bindgen, worker_sys::WebSocketRequestResponsePair, Date, DurableObject,
    Env, Request, Response, ResponseBuilder, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair,
};

mod forward;
mod link;
mod online;
mod post;

use link::READER_TAG;

use super::ObjectLog;
use crate::api::{LogCallError, LogPort};
use crate::log::command::{Command, Reply};
use crate::log::live::{self, CLOSE_BEHIND, CLOSE_UNKNOWN_CURSOR, IDLE_AFTER_MS};
use crate::log::Filter;
use crate::relay::route::MAX_SOCKETS_PER_RELAY;
use crate::relay::{self, Arrival, Round, Seat};
use saywhatwant_wire::live as contract;

/// The header that names the relay (the Worker and the log set it: an object does not know
/// its own name).
pub const RELAY_HEADER: &str = "X-Sww-Relay";
/// The network a socket is counted under, set by the Worker (absent: a bot, exempt).
pub const NETWORK_HEADER: &str = "X-Sww-Network";
/// Who the socket's posts come from (`api::Poster` as JSON), set by the Worker.
pub const POSTER_HEADER: &str = "X-Sww-Poster";

enum Job {
    Round(Round),
    /// A socket accepted with this query, waiting for its first frames.
    Join(WebSocket, CommentsQuery),
}

#[durable_object]
pub struct Relay {
    state: State,
    env: Env,
    name: RefCell<String>,
    relay: RefCell<relay::Relay>,
    jobs: RefCell<VecDeque<Job>>,
    busy: Cell<bool>,
    /// The log sends this relay rounds (it asked the log for a socket since it last had none).
    registered: Cell<bool>,
    /// A fault asked for by a live test (`FAULTS = "on"`): drop the next round.
    skip_round: Cell<bool>,
    /// Readers online as the log last said (sent to each socket after its first frames).
    online: Cell<Option<u64>>,
    /// The relay's name is in its storage, for alarms (which carry no header).
    name_stored: Cell<bool>,
    /// A presence report is scheduled (its alarm is set).
    report_set: Cell<bool>,
}

impl DurableObject for Relay {
    fn new(state: State, env: Env) -> Self {
        if let Ok(pair) = WebSocketRequestResponsePair::new(contract::PING, contract::PONG) {
            state.set_websocket_auto_response(&pair);
        }
        // A relay with sockets was registered when they joined (it survived hibernation).
        let registered = !state.get_websockets_with_tag(READER_TAG).is_empty();
        Relay {
            state,
            env,
            name: RefCell::new(String::new()),
            relay: RefCell::new(relay::Relay::default()),
            jobs: RefCell::new(VecDeque::new()),
            busy: Cell::new(false),
            registered: Cell::new(registered),
            skip_round: Cell::new(false),
            online: Cell::new(None),
            name_stored: Cell::new(false),
            report_set: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if let Some(name) = req.headers().get(RELAY_HEADER)? {
            self.name.replace(name);
        }
        match req.path().as_str() {
            "/live" => self.live(&req).await,
            "/round" => {
                let round: Round = serde_json::from_slice(&req.bytes().await?)
                    .map_err(|e| worker::Error::RustError(format!("not a round: {e}")))?;
                let sockets = self.take_round(round).await;
                Response::from_json(&serde_json::json!({ "sockets": sockets }))
            }
            "/link" => self.accept_link(),
            "/close-sockets" => {
                let sockets = self.readers();
                for ws in &sockets {
                    // The service restarts; clients come back from their cursors, spread out.
                    let _ = ws.close(
                        Some(contract::CLOSE_RESTART),
                        Some("closed by the operator: reconnect"),
                    );
                }
                Response::from_json(&serde_json::json!({ "closed": sockets.len() }))
            }
            "/fault/forget" | "/fault/skip-round" if self.faults() => {
                if req.path() == "/fault/forget" {
                    // What an eviction leaves: the sockets, and nothing in memory.
                    self.relay.borrow_mut().forget();
                    self.registered.set(!self.readers().is_empty());
                } else {
                    self.skip_round.set(true);
                }
                Response::from_json(&serde_json::json!({ "done": req.path() }))
            }
            "/info" => Response::from_json(&serde_json::json!({
                "sockets": self.readers().len(),
                "head": self.relay.borrow().head(),
            })),
            other => Ok(Response::from_json(&ErrorBody {
                error: format!("a relay has no {other}"),
                code: "not_found".into(),
            })?
            .with_status(404)),
        }
    }

    async fn websocket_message(&self, ws: WebSocket, msg: WebSocketIncomingMessage) -> Result<()> {
        // The log's link brings rounds (`link.rs`); a reader sends posts (`post.rs`).
        // Keep-alives never get here: the runtime answers them.
        if self.is_link(&ws) {
            self.link_message(msg).await;
            return Ok(());
        }
        let message = match &msg {
            WebSocketIncomingMessage::String(text) => text.as_bytes(),
            WebSocketIncomingMessage::Binary(bytes) => bytes.as_slice(),
        };
        self.post(&ws, message).await;
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        if self.is_link(&ws) {
            // The log dials again for its next round.
            return Ok(());
        }
        // The socket that kept the relay's head is going: another one keeps it.
        if seat(&ws).keeps.is_some() {
            self.keep_head(Some(&ws));
        }
        let code = if (1000..5000).contains(&code) && code != 1005 && code != 1006 {
            code as u16
        } else {
            1000
        };
        let _ = ws.close(Some(code), Some(reason));
        self.sockets_changed().await;
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        if self.is_link(&ws) {
            return Ok(());
        }
        self.sockets_changed().await;
        Ok(())
    }

    /// Readers online: tells the log this relay's sockets (`online.rs`).
    async fn alarm(&self) -> Result<Response> {
        self.report_sockets().await;
        Response::ok("")
    }
}

fn seat(ws: &WebSocket) -> Seat {
    ws.deserialize_attachment()
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn send(ws: &WebSocket, frame: &CommentsPage) {
    // A socket that is closing fails here; its close event cleans it up.
    if let Ok(text) = serde_json::to_string(frame) {
        let _ = ws.send_with_str(text);
    }
}

impl Relay {
    /// After a wake-up the relay's memory is empty: its sockets say where it stood.
    fn restore(&self) {
        if self.relay.borrow().head().is_some() {
            return;
        }
        let seats: Vec<Seat> = self.readers().iter().map(seat).collect();
        if let Some(head) = relay::standing(&seats) {
            self.relay.borrow_mut().start_at(head);
        }
    }

    /// Accepts a socket (validated by the Worker); its first frames follow in [`Relay::drain`].
    async fn live(&self, req: &Request) -> Result<Response> {
        let url = req.url()?;
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let q = CommentsQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let tag = req
            .headers()
            .get(NETWORK_HEADER)?
            .map(|network| format!("net:{network}"));
        let pair = WebSocketPair::new()?;
        let server = pair.server;
        let admitted = live::admit(
            tag.as_deref().map(|t| self.open_with_tag(t).len()),
            self.readers().len(),
            MAX_SOCKETS_PER_RELAY,
        );
        match &tag {
            Some(t) => self
                .state
                .accept_websocket_with_tags(&server, &[READER_TAG, t.as_str()]),
            None => self
                .state
                .accept_websocket_with_tags(&server, &[READER_TAG]),
        }
        match admitted {
            Err(refusal) => {
                let (code, reason) = refusal.close();
                server.close(Some(code), Some(reason))?;
            }
            Ok(()) => {
                let poster = req
                    .headers()
                    .get(POSTER_HEADER)?
                    .and_then(|p| serde_json::from_str(&p).ok());
                server.serialize_attachment(Seat {
                    filter: Filter::of(&q),
                    opened: Date::now().as_millis(),
                    at: None,
                    keeps: None,
                    sent: 0,
                    poster,
                })?;
                if !self.name_stored.replace(true) {
                    let name = self.name.borrow().clone();
                    if let Err(e) = self.state.storage().put("name", name).await {
                        worker::console_warn!("relay: keeping its name: {e}");
                    }
                }
                self.sockets_changed().await;
                self.restore();
                self.jobs.borrow_mut().push_back(Job::Join(server, q));
                self.drain().await;
            }
        }
        Ok(ResponseBuilder::new()
            .with_status(101)
            .with_websocket(pair.client)
            .empty())
    }

    /// Does the queued jobs in order; a call while another is at work leaves them to it.
    async fn drain(&self) {
        if self.busy.replace(true) {
            return;
        }
        loop {
            let job = self.jobs.borrow_mut().pop_front();
            match job {
                None => break,
                Some(Job::Round(round)) => self.round(round).await,
                Some(Job::Join(ws, q)) => self.join(ws, q).await,
            }
        }
        self.busy.set(false);
    }

    async fn round(&self, round: Round) {
        let arrival = self.relay.borrow_mut().arrive(round.clone());
        let after = match arrival {
            Arrival::Forward(r) => return self.forward(&r),
            Arrival::Gap { after } => after,
        };
        // A round went missing (the log restarted, a delivery failed): what follows the
        // relay's head comes from the log before anything else is sent.
        match self.ask(Command::Since { after }).await {
            Ok(Reply::Since { round: missed }) => {
                let missed = self.relay.borrow_mut().recovered(missed);
                self.forward(&missed);
                let rest = self.relay.borrow_mut().arrive(round);
                if let Arrival::Forward(rest) = rest {
                    self.forward(&rest);
                }
            }
            other => {
                let why = match other {
                    Err(LogCallError::Unavailable(e)) => e,
                    _ => "the log could not say what was missed".into(),
                };
                worker::console_warn!("relay {}: recovering a round: {why}", self.name.borrow());
                // The sockets come back from their own cursors, which is exact.
                self.close_all(contract::CLOSE_RESTART, "the relay restarts: reconnect");
            }
        }
    }

    /// The first frames of a socket: from the relay's own tail when it covers the cursor,
    /// else from the log (which registers the relay for rounds).
    async fn join(&self, ws: WebSocket, q: CommentsQuery) {
        let filter = Filter::of(&q);
        let cursor: Option<Cursor> = q.after.clone();
        let from_tail = if self.registered.get() {
            let r = self.relay.borrow();
            r.resume(cursor.as_ref(), &filter).zip(r.head())
        } else {
            None
        };
        let (frames, at) = match from_tail {
            Some(found) => found,
            None => {
                let name = self.name.borrow().clone();
                match self
                    .ask(Command::Join {
                        relay: name,
                        query: q,
                    })
                    .await
                {
                    Ok(Reply::Joined {
                        frames,
                        head,
                        online,
                    }) => {
                        self.registered.set(true);
                        if online.is_some() {
                            self.online.set(online);
                        }
                        if self.relay.borrow().head().is_none() {
                            self.relay.borrow_mut().start_at(head);
                        }
                        (frames, head)
                    }
                    Ok(_) => {
                        let _ = ws.close(
                            Some(CLOSE_BEHIND),
                            Some("too far behind: catch up by polling"),
                        );
                        return;
                    }
                    Err(LogCallError::CursorAhead(_)) => {
                        let _ = ws.close(
                            Some(CLOSE_UNKNOWN_CURSOR),
                            Some("the cursor is not from this stream: load again"),
                        );
                        return;
                    }
                    Err(LogCallError::Unavailable(e)) => {
                        worker::console_warn!("relay: opening a live socket: {e}");
                        let _ = ws.close(Some(1011), Some("the log is unavailable"));
                        return;
                    }
                }
            }
        };
        for f in &frames {
            send(&ws, f);
        }
        self.send_online(&ws);
        let _ = ws.serialize_attachment(Seat {
            at: Some(at),
            ..seat(&ws)
        });
    }

    fn close_all(&self, code: u16, reason: &str) {
        for ws in self.readers() {
            let _ = ws.close(Some(code), Some(reason));
        }
        self.relay.borrow_mut().forget();
        self.registered.set(false);
    }

    /// Whether the live tests' faults are on (`FAULTS = "on"`; never in a deployment).
    fn faults(&self) -> bool {
        self.env
            .var("FAULTS")
            .is_ok_and(|v| v.to_string().trim() == "on")
    }

    /// [`IDLE_AFTER_MS`], or `SOCKET_IDLE_SECONDS` (the live tests shorten it).
    fn idle_after_ms(&self) -> u64 {
        self.env
            .var("SOCKET_IDLE_SECONDS")
            .ok()
            .and_then(|v| v.to_string().trim().parse::<u64>().ok())
            .map_or(IDLE_AFTER_MS, |s| s * 1_000)
    }

    /// One command to the log, through the same port the Worker uses.
    async fn ask(&self, command: Command) -> std::result::Result<Reply, LogCallError> {
        let log = ObjectLog::of(&self.env).map_err(|e| LogCallError::Unavailable(e.to_string()))?;
        log.call(command).await
    }
}
