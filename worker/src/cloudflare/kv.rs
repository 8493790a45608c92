//! Workers KV behind the [`Kv`] port.

use serde_json::Value;
use worker::KvStore;

use crate::kv::{Kv, KvError, ListKey, ListPage};

/// KV serves reads from the reader's location for this long (Cloudflare's minimum).
const CACHE_TTL_SECS: u64 = 30;

pub struct WorkersKv(pub KvStore);

fn kv_error(e: impl std::fmt::Display) -> KvError {
    KvError(e.to_string())
}

impl Kv for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        // As bytes: one copy into Wasm memory. `.text()` would decode to a JS string and
        // encode it back, two passes over the whole recent view on every first load.
        let bytes = self
            .0
            .get(key)
            .cache_ttl(CACHE_TTL_SECS)
            .bytes()
            .await
            .map_err(kv_error)?;
        bytes
            .map(|b| String::from_utf8(b).map_err(|e| KvError(format!("{key} is not UTF-8: {e}"))))
            .transpose()
    }

    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError> {
        let mut put = self.0.put(key, value).map_err(kv_error)?;
        if let Some(m) = metadata {
            put = put.metadata(m).map_err(kv_error)?;
        }
        put.execute().await.map_err(kv_error)
    }

    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError> {
        let mut list = self.0.list().prefix(prefix.to_owned()).limit(limit as u64);
        if let Some(c) = cursor {
            list = list.cursor(c.to_owned());
        }
        let page = list.execute().await.map_err(kv_error)?;
        Ok(ListPage {
            keys: page
                .keys
                .into_iter()
                .map(|k| ListKey {
                    name: k.name,
                    metadata: k.metadata,
                })
                .collect(),
            cursor: page.cursor.filter(|c| !c.is_empty()),
            complete: page.list_complete,
        })
    }
}
