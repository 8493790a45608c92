//! How a comment is stored: its JSON as the value, and the same JSON as the key's list metadata
//! when it fits in KV's 1024 bytes, so a list call alone yields whole comments with no `get`.

use futures::future::join_all;
use saywhatwant_wire::Comment;
use serde::Deserialize;
use serde_json::Value;

use saywhatwant_api::kv::{Kv, KvError, ListKey, MAX_METADATA_BYTES};

/// The value to store and, when it fits, the metadata to list with it.
pub fn encode(comment: &Comment) -> Result<(String, Option<Value>), KvError> {
    let value =
        serde_json::to_string(comment).map_err(|e| KvError(format!("encoding a comment: {e}")))?;
    let metadata = (value.len() <= MAX_METADATA_BYTES)
        .then(|| serde_json::from_str(&value))
        .transpose()
        .map_err(|e| KvError(format!("encoding metadata: {e}")))?;
    Ok((value, metadata))
}

pub async fn put<K: Kv>(kv: &K, key: &str, comment: &Comment) -> Result<(), KvError> {
    let (value, metadata) = encode(comment)?;
    kv.put(key, &value, metadata.as_ref()).await
}

pub async fn get<K: Kv>(kv: &K, key: &str) -> Result<Option<Comment>, KvError> {
    Ok(kv
        .get(key)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// The comments behind listed keys, in the same order: from metadata where it is there, with
/// one concurrent `get` each for the rest. A record that no longer parses is left out rather
/// than failing every poll that passes over it.
pub async fn resolve<K: Kv>(kv: &K, keys: &[ListKey]) -> Result<Vec<Comment>, KvError> {
    let fetched = join_all(
        keys.iter()
            .filter(|k| k.metadata.is_none())
            .map(|k| get(kv, &k.name)),
    )
    .await;
    let mut fetched = fetched.into_iter();
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let comment = match &key.metadata {
            Some(m) => Comment::deserialize(m).ok(),
            None => fetched.next().transpose()?.flatten(),
        };
        out.extend(comment);
    }
    Ok(out)
}
