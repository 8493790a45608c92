//! The small KV interface the worker's logic runs on: the Workers KV binding in production,
//! [`crate::memory_kv::MemoryKv`] in unit tests and benchmarks.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Workers KV's own limits, which the in-memory KV enforces too.
pub const MAX_LIST_LIMIT: usize = 1000;
pub const MAX_KEY_BYTES: usize = 512;
pub const MAX_METADATA_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage error: {0}")]
pub struct KvError(pub String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListKey {
    pub name: String,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    /// In ascending order of the keys' UTF-8 bytes, as Workers KV returns them.
    pub keys: Vec<ListKey>,
    /// Pass back to continue; `None` when `complete`.
    pub cursor: Option<String>,
    pub complete: bool,
}

// The Workers runtime is single-threaded, so these futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Kv {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError>;
    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError>;
    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError>;
}
