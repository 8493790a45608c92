//! Cloudflare's price list (Workers paid plan) and the bill for a month's counted operations.
//!
//! # Documented facts it encodes (Cloudflare pricing pages, as read for this project)
//!
//! - The paid plan costs $5 a month and includes, per month: 10 M Worker requests; 1 M Durable
//!   Object requests; 400 000 GB-s of DO duration; 25 billion SQLite rows read and 50 million
//!   rows written; 10 M KV reads, 1 M KV writes, 1 M KV deletes and 1 M KV lists.
//! - Beyond that: Worker requests $0.30/M; DO requests $0.15/M; DO duration $12.50 per M GB-s;
//!   rows read $0.001/M; rows written $1.00/M; KV reads $0.50/M; KV writes, deletes and lists
//!   $5.00/M each.
//! - DO requests are HTTP requests, RPC sessions and alarm invocations; WebSocket messages the
//!   object *receives* count 1 per 20 (a billing ratio since April 2024); messages it sends are
//!   free.
//! - Duration is wall-clock time at 128 MB per object, billed while the object runs a handler or
//!   is idle in memory but not eligible for hibernation. An object whose only connections are
//!   hibernatable WebSockets (`acceptWebSocket`), with no timer and no outgoing request or
//!   socket pending, is not billed while idle, "even before the runtime has hibernated it".
//!
//! Storage (1 GB KV, 5 GB SQLite included) is not priced here: the brief's price list gives no
//! rate for it, and it grows with history rather than with traffic.

use std::ops::{Add, Mul};

/// The plan's monthly base price.
pub const BASE_DOLLARS: f64 = 5.0;
/// Incoming WebSocket messages per billed DO request.
pub const WS_MESSAGES_PER_REQUEST: f64 = 20.0;
/// Memory billed per object, in GB.
pub const OBJECT_GB: f64 = 0.128;
/// A billing month: 30 days.
pub const SECONDS_PER_MONTH: f64 = 30.0 * 86_400.0;

/// A month's (or one request's) counted quantities, in the units they are billed in.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub worker_requests: f64,
    /// HTTP requests and alarms reaching objects (not WebSocket messages).
    pub do_requests: f64,
    /// WebSocket messages objects received; billed 1 per [`WS_MESSAGES_PER_REQUEST`].
    pub ws_messages_in: f64,
    /// Object wall-clock billed, in milliseconds.
    pub busy_ms: f64,
    pub rows_read: f64,
    pub rows_written: f64,
    pub kv_reads: f64,
    pub kv_writes: f64,
    pub kv_lists: f64,
}

impl Usage {
    /// DO requests as billed: requests and alarms, plus incoming messages at 1 in 20.
    pub fn billed_do_requests(&self) -> f64 {
        self.do_requests + self.ws_messages_in / WS_MESSAGES_PER_REQUEST
    }

    pub fn gb_s(&self) -> f64 {
        self.busy_ms / 1000.0 * OBJECT_GB
    }
}

impl Add for Usage {
    type Output = Usage;
    fn add(self, o: Usage) -> Usage {
        Usage {
            worker_requests: self.worker_requests + o.worker_requests,
            do_requests: self.do_requests + o.do_requests,
            ws_messages_in: self.ws_messages_in + o.ws_messages_in,
            busy_ms: self.busy_ms + o.busy_ms,
            rows_read: self.rows_read + o.rows_read,
            rows_written: self.rows_written + o.rows_written,
            kv_reads: self.kv_reads + o.kv_reads,
            kv_writes: self.kv_writes + o.kv_writes,
            kv_lists: self.kv_lists + o.kv_lists,
        }
    }
}

impl Mul<f64> for Usage {
    type Output = Usage;
    fn mul(self, k: f64) -> Usage {
        Usage {
            worker_requests: self.worker_requests * k,
            do_requests: self.do_requests * k,
            ws_messages_in: self.ws_messages_in * k,
            busy_ms: self.busy_ms * k,
            rows_read: self.rows_read * k,
            rows_written: self.rows_written * k,
            kv_reads: self.kv_reads * k,
            kv_writes: self.kv_writes * k,
            kv_lists: self.kv_lists * k,
        }
    }
}

/// A billed resource: its monthly allowance and its price beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    WorkerRequests,
    DoRequests,
    DoDuration,
    RowsRead,
    RowsWritten,
    KvReads,
    KvWrites,
    KvLists,
}

const M: f64 = 1e6;

impl Resource {
    pub const ALL: [Resource; 8] = [
        Resource::WorkerRequests,
        Resource::DoRequests,
        Resource::DoDuration,
        Resource::RowsRead,
        Resource::RowsWritten,
        Resource::KvReads,
        Resource::KvWrites,
        Resource::KvLists,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Resource::WorkerRequests => "Worker requests",
            Resource::DoRequests => "DO requests (messages in ÷ 20)",
            Resource::DoDuration => "DO duration (GB-s)",
            Resource::RowsRead => "SQLite rows read",
            Resource::RowsWritten => "SQLite rows written",
            Resource::KvReads => "KV reads",
            Resource::KvWrites => "KV writes",
            Resource::KvLists => "KV lists",
        }
    }

    /// (included a month, dollars per unit beyond it)
    pub fn terms(self) -> (f64, f64) {
        match self {
            Resource::WorkerRequests => (10.0 * M, 0.30 / M),
            Resource::DoRequests => (1.0 * M, 0.15 / M),
            Resource::DoDuration => (400_000.0, 12.50 / M),
            Resource::RowsRead => (25_000.0 * M, 0.001 / M),
            Resource::RowsWritten => (50.0 * M, 1.00 / M),
            Resource::KvReads => (10.0 * M, 0.50 / M),
            Resource::KvWrites => (1.0 * M, 5.00 / M),
            Resource::KvLists => (1.0 * M, 5.00 / M),
        }
    }

    pub fn used(self, u: &Usage) -> f64 {
        match self {
            Resource::WorkerRequests => u.worker_requests,
            Resource::DoRequests => u.billed_do_requests(),
            Resource::DoDuration => u.gb_s(),
            Resource::RowsRead => u.rows_read,
            Resource::RowsWritten => u.rows_written,
            Resource::KvReads => u.kv_reads,
            Resource::KvWrites => u.kv_writes,
            Resource::KvLists => u.kv_lists,
        }
    }
}

/// What one resource costs in a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charge {
    pub resource: Resource,
    pub used: f64,
    /// The part of `used` beyond the allowance.
    pub billable: f64,
    /// `billable` at the price.
    pub dollars: f64,
    /// `used` at the price, as if nothing were included.
    pub list_dollars: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    pub charges: Vec<Charge>,
}

impl Bill {
    pub fn of(u: &Usage) -> Bill {
        let charges = Resource::ALL
            .iter()
            .map(|&r| {
                let used = r.used(u);
                let (included, price) = r.terms();
                let billable = (used - included).max(0.0);
                Charge {
                    resource: r,
                    used,
                    billable,
                    dollars: billable * price,
                    list_dollars: used * price,
                }
            })
            .collect();
        Bill { charges }
    }

    /// Everything at list price, no allowance and no base: comparable across plans.
    pub fn list_price(&self) -> f64 {
        self.charges.iter().map(|c| c.list_dollars).sum()
    }

    /// What is charged on top of the base.
    pub fn beyond_included(&self) -> f64 {
        self.charges.iter().map(|c| c.dollars).sum()
    }

    /// The month's invoice: the base plus everything beyond the allowances.
    pub fn total(&self) -> f64 {
        BASE_DOLLARS + self.beyond_included()
    }

    pub fn charge(&self, r: Resource) -> Option<&Charge> {
        self.charges.iter().find(|c| c.resource == r)
    }
}
