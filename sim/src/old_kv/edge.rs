//! A short per-location cache of the newest list page, so that KV cost does not grow with the
//! number of readers: every fresh poll at one location within [`EDGE_TTL_MS`] shares one KV list
//! call, and each reader's own cursor is applied to that shared page.
//!
//! Only the first page from the top of the comment keys is cached; it is what nearly every poll
//! reads. A page carries the time it was listed (`as_of`) so that reads on it treat only what had
//! settled by then as complete (see `walk.rs`): a cached page can delay a comment by up to the
//! TTL, never lose it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde_json::Value;

use saywhatwant_api::kv::{Kv, KvError, ListPage, MAX_LIST_LIMIT};

use serde::{Deserialize, Serialize};

use super::keys::COMMENT_PREFIX;
use super::PagedKv;

/// Half a second keeps the median post-to-screen time within 3 s (5 s polls, 250 ms settle)
/// while capping KV lists at two a second per location, whatever the number of readers.
pub const EDGE_TTL_MS: u64 = 500;

/// A location-local cache (the Workers Cache API in production).
#[allow(async_fn_in_trait)]
pub trait EdgeCache {
    async fn get(&self, key: &str) -> Option<String>;
    async fn put(&self, key: &str, value: String);
}

const TOP_PAGE: &str = "top-page";

pub struct EdgeCachedKv<'a, K, C> {
    pub kv: &'a K,
    pub cache: &'a C,
    pub now: u64,
}

impl<K: Kv, C: EdgeCache> Kv for EdgeCachedKv<'_, K, C> {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.kv.get(key).await
    }

    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError> {
        self.kv.put(key, value, metadata).await
    }

    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError> {
        Ok(self.list_page(prefix, limit, cursor).await?.0)
    }
}

/// The top page as the cache keeps it: the page and when it was listed.
#[derive(Serialize, Deserialize)]
struct CachedPage {
    page: ListPage,
    as_of: u64,
}

impl<K: Kv, C: EdgeCache> PagedKv for EdgeCachedKv<'_, K, C> {
    async fn list_page(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<(ListPage, Option<u64>), KvError> {
        if prefix != COMMENT_PREFIX || limit != MAX_LIST_LIMIT || cursor.is_some() {
            return Ok((self.kv.list(prefix, limit, cursor).await?, None));
        }
        if let Some(hit) = self
            .cache
            .get(TOP_PAGE)
            .await
            .and_then(|v| serde_json::from_str::<CachedPage>(&v).ok())
        {
            if self.now.saturating_sub(hit.as_of) < EDGE_TTL_MS {
                return Ok((hit.page, Some(hit.as_of)));
            }
        }
        let page = self.kv.list(prefix, limit, cursor).await?;
        let cached = CachedPage {
            page,
            as_of: self.now,
        };
        if let Ok(value) = serde_json::to_string(&cached) {
            self.cache.put(TOP_PAGE, value).await;
        }
        Ok((cached.page, Some(cached.as_of)))
    }
}

/// An in-memory edge cache for tests and benchmarks, counting what it serves.
#[derive(Default)]
pub struct MemoryEdgeCache {
    entries: RefCell<HashMap<String, String>>,
    pub hits: Cell<u64>,
}

impl EdgeCache for MemoryEdgeCache {
    async fn get(&self, key: &str) -> Option<String> {
        let v = self.entries.borrow().get(key).cloned();
        if v.is_some() {
            self.hits.set(self.hits.get() + 1);
        }
        v
    }

    async fn put(&self, key: &str, value: String) {
        self.entries.borrow_mut().insert(key.to_owned(), value);
    }
}
