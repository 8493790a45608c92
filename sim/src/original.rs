//! The original write-up's design, reimplemented on the same KV interface as the baseline:
//! keys `comment:<ts>:<id>`; a fresh poll lists prefix `comment:` (limit 1000) and gets every
//! listed key newer than `after`; the `recent:comments` cache is read, modified and written back
//! by every POST.

use saywhatwant_api::kv::{Kv, KvError};
use saywhatwant_wire::Comment;

pub const CACHE_KEY: &str = "recent:comments";

pub fn key(c: &Comment) -> String {
    format!("comment:{}:{}", c.timestamp, c.id)
}

pub async fn fresh_poll<K: Kv>(kv: &K, after: u64) -> Result<Vec<Comment>, KvError> {
    let list = kv.list("comment:", 1000, None).await?;
    let mut out = Vec::new();
    for k in list.keys {
        let ts: u64 = k
            .name
            .split(':')
            .nth(1)
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        if ts > after {
            if let Some(v) = kv.get(&k.name).await? {
                out.extend(serde_json::from_str::<Comment>(&v).ok());
            }
        }
    }
    out.sort_by_key(|c| c.timestamp);
    Ok(out)
}

/// The first half of a POST: store the comment and read the cache.
pub async fn post_read<K: Kv>(kv: &K, c: &Comment) -> Result<Vec<Comment>, KvError> {
    kv.put(&key(c), &serde_json::to_string(c).unwrap_or_default(), None)
        .await?;
    Ok(kv
        .get(CACHE_KEY)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// The second half: write the cache back with the comment appended.
pub async fn post_write<K: Kv>(
    kv: &K,
    mut cache: Vec<Comment>,
    c: &Comment,
) -> Result<(), KvError> {
    cache.push(c.clone());
    let keep = cache.len().saturating_sub(500);
    cache.drain(..keep);
    kv.put(
        CACHE_KEY,
        &serde_json::to_string(&cache).unwrap_or_default(),
        None,
    )
    .await
}

pub async fn cached_read<K: Kv>(kv: &K) -> Result<Vec<Comment>, KvError> {
    Ok(kv
        .get(CACHE_KEY)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}
