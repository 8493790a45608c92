//! Writing comments: POST (idempotent by id) and PATCH (O(1) by id). Neither lists keys.

use saywhatwant_wire::{Comment, NewComment, Patch};

use saywhatwant_api::kv::{Kv, KvError};

use super::keys::{comment_key, id_key, timestamp_of};
use super::records;

pub enum Posted {
    Created(Comment),
    /// The id was stored before: the stored comment, unchanged.
    Existing(Comment),
}

/// Stores a comment: one `get` and two `put`s for a new id, two `get`s for a repeat.
///
/// The id index is written before the comment, so a retry after a crash between the two finds
/// the index and completes the same key instead of storing a second copy.
pub async fn post<K: Kv>(
    kv: &K,
    new: NewComment,
    generated_id: impl FnOnce() -> String,
    now: u64,
    default_domain: &str,
) -> Result<Posted, KvError> {
    let id = new.id.clone().unwrap_or_else(generated_id);
    let index = id_key(&id);
    if let Some(key) = kv.get(&index).await? {
        if let Some(existing) = records::get(kv, &key).await? {
            return Ok(Posted::Existing(existing));
        }
        let timestamp = timestamp_of(&key).unwrap_or(now);
        let comment = new.into_comment(id, timestamp, default_domain);
        records::put(kv, &key, &comment).await?;
        return Ok(Posted::Created(comment));
    }
    let comment = new.into_comment(id, now, default_domain);
    let key = comment_key(comment.timestamp, &comment.id);
    kv.put(&index, &key, None).await?;
    records::put(kv, &key, &comment).await?;
    Ok(Posted::Created(comment))
}

/// Applies a PATCH: two `get`s and one `put`. `None` when no comment has that id.
pub async fn patch<K: Kv>(kv: &K, id: &str, patch: Patch) -> Result<Option<Comment>, KvError> {
    let Some(key) = kv.get(&id_key(id)).await? else {
        return Ok(None);
    };
    let Some(mut comment) = records::get(kv, &key).await? else {
        return Ok(None);
    };
    comment
        .bot_params
        .get_or_insert_with(Default::default)
        .processed = Some(patch.processed);
    records::put(kv, &key, &comment).await?;
    Ok(Some(comment))
}
