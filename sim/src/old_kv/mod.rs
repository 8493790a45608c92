//! The Workers KV design the worker ran before the comment log, kept as the simulation's
//! baseline. The files are the worker's own (moved from `worker/src`), changed only to compile
//! here: the cursor they use is [`cursor::OldCursor`], the wire's old struct, not today's enum.
//!
//! What it did:
//! - Every comment is one KV key `c:<9999999999999 - timestamp>:<id>`, so keys list newest
//!   first, with the comment itself riding in the key's list metadata ([`keys`], [`records`]).
//! - POST stamps the comment with the worker's clock when the request starts and writes an id
//!   index key and the comment key ([`comments`]).
//! - A fresh poll lists from the top and stops at the reader's cursor, skipping the newest
//!   250 ms (the settle window, [`walk::SETTLE_MS`]); when it finds nothing more it hands back
//!   "now minus 250 ms" as the cursor ([`fresh`]).
//! - Each location caches the top list page for 500 ms so that readers there share one KV list
//!   ([`edge`]).
//!
//! The `recent:comments` view and the HTTP glue (`recent.rs`, `api.rs`) served non-fresh reads
//! and routing; the simulation polls fresh, so they were left out (see git history for them).

pub mod comments;
pub mod cursor;
pub mod edge;
pub mod fresh;
pub mod keys;
pub mod records;
pub mod walk;

pub use cursor::{OldCursor, OldCursorError, OldQuery};

use saywhatwant_api::kv::{Kv, KvError, ListPage};
use saywhatwant_api::memory_kv::MemoryKv;

use crate::lagged_kv::LocationKv;

/// How the design's reads listed: a page, and when it came from the edge cache, the time it was
/// listed there (a cached page shows the store as it was then; see [`walk`]).
#[allow(async_fn_in_trait)]
pub trait PagedKv: Kv {
    async fn list_page(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<(ListPage, Option<u64>), KvError>;
}

impl PagedKv for MemoryKv {
    async fn list_page(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<(ListPage, Option<u64>), KvError> {
        Ok((self.list(prefix, limit, cursor).await?, None))
    }
}

impl PagedKv for LocationKv<'_> {
    async fn list_page(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<(ListPage, Option<u64>), KvError> {
        Ok((self.list(prefix, limit, cursor).await?, None))
    }
}
