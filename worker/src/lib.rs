//! The comment stream API: a Cloudflare Worker over Workers KV.
//!
//! The logic is plain Rust over the [`kv::Kv`] interface (unit-tested and benchmarked natively
//! on [`memory_kv::MemoryKv`]); `cloudflare.rs` is the thin layer that binds it to the runtime.

pub mod api;
pub mod comments;
pub mod edge;
pub mod error;
pub mod fresh;
pub mod keys;
pub mod kv;
pub mod memory_kv;
pub mod rate_limit;
pub mod recent;
pub mod records;
pub mod walk;

#[cfg(target_arch = "wasm32")]
mod cloudflare;
