//! How the Worker reaches the log: [`LogPort`]. In production a request to the one Durable
//! Object (`cloudflare/mod.rs`); in native tests and benchmarks [`LocalLog`], the same
//! [`crate::log::command::serve`] called in-process, counting the requests the object would
//! be billed for.

use std::cell::{Cell, RefCell};

use crate::log::command::{serve, Command, Reply, Served};
use crate::log::{Log, LogError, LogStore, Usage};

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogCallError {
    /// The cursor is ahead of the log (410 from the object).
    #[error("{0}")]
    CursorAhead(String),
    /// The object or its storage failed, or could not be reached.
    #[error("{0}")]
    Unavailable(String),
}

impl From<LogError> for LogCallError {
    fn from(e: LogError) -> Self {
        match e {
            LogError::CursorAhead { .. } => LogCallError::CursorAhead(e.to_string()),
            LogError::Store(s) => LogCallError::Unavailable(s.to_string()),
            LogError::InArchive(_) => LogCallError::Unavailable(e.to_string()),
        }
    }
}

impl From<LogCallError> for ApiError {
    fn from(e: LogCallError) -> Self {
        match e {
            LogCallError::CursorAhead(m) => ApiError::CursorExpired(m),
            LogCallError::Unavailable(m) => ApiError::Unavailable(m),
        }
    }
}

#[allow(async_fn_in_trait)]
pub trait LogPort {
    async fn call(&self, command: Command) -> Result<Reply, LogCallError>;
}

/// The log in-process: what the object does, without the runtime.
pub struct LocalLog<S> {
    pub log: RefCell<Log<S>>,
    /// The object's clock (`Date.now()` when it commits).
    pub now: Cell<u64>,
    next_id: Cell<u64>,
    /// Requests the object served (each one a billed Durable Object request).
    pub requests: Cell<u64>,
    /// Storage rows of the last command.
    pub last_usage: Cell<Usage>,
}

impl<S: LogStore> LocalLog<S> {
    pub fn new(log: Log<S>, now: u64) -> Self {
        LocalLog {
            log: RefCell::new(log),
            now: Cell::new(now),
            next_id: Cell::new(0),
            requests: Cell::new(0),
            last_usage: Cell::new(Usage::default()),
        }
    }
}

impl<S: LogStore> LogPort for LocalLog<S> {
    async fn call(&self, command: Command) -> Result<Reply, LogCallError> {
        self.requests.set(self.requests.get() + 1);
        let ids = &self.next_id;
        let generate = || {
            ids.set(ids.get() + 1);
            format!("gen{:06}", ids.get())
        };
        let Served { reply, usage, .. } = serve(
            &mut self.log.borrow_mut(),
            command,
            generate,
            self.now.get(),
        )?;
        self.last_usage.set(usage);
        Ok(reply)
    }
}
