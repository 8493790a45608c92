//! The comment stream API: a Cloudflare Worker in front of one Durable Object, the log, and
//! the relay objects that hold the readers' live sockets.
//!
//! The logic is plain Rust over small ports, tested natively: [`log`] (the log object's logic
//! over [`log::LogStore`]), [`relay`] (what a relay does with rounds of commits, and which relay
//! a socket joins), [`api`] (HTTP semantics over [`api::LogPort`]), [`recent`] (the cached view
//! in Workers KV) and [`legacy`] (importing the original KV layout). `cloudflare/` binds them to
//! the runtime.

pub mod api;
pub mod kv;
pub mod legacy;
pub mod log;
pub mod memory_kv;
pub mod rate_limit;
pub mod recent;
pub mod relay;

#[cfg(target_arch = "wasm32")]
mod cloudflare;
