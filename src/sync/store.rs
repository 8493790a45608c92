//! IndexedDB: the comments this browser has seen, kept between visits.
//!
//! Database `SayWhatWant`, store `messages`, key path `id`, values the comments as served (the
//! page contract). An index on `timestamp` reads the newest first and pages back through
//! history without loading it all.

use saywhatwant_wire::Comment;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    IdbCursorDirection, IdbCursorWithValue, IdbDatabase, IdbIndex, IdbKeyRange, IdbObjectStore,
    IdbTransaction, IdbTransactionMode,
};

use crate::model::filter::text_matches;
use crate::model::timeline::Pos;
use crate::sync::idb;

const STORE: &str = "messages";
const BY_TIME: &str = "timestamp";
/// 2 adds the `timestamp` index to a version-1 database made by an earlier page.
/// 5 opens over the original app's version-4 `SayWhatWant` too (a lower version fails with a
/// VersionError): the upgrade keeps the `messages` store and its records, adds `timestamp` if
/// missing and drops the original's `username` and `color` indexes, which this page never reads.
const VERSION: u32 = 5;
/// Records a search reads at a time.
pub const SEARCH_STEP: u32 = 500;

/// Which IndexedDB step failed. (The browser's own error is not formatted: the code to format
/// it would cost a few KB of the page's size budget.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("IndexedDB could not {0}")]
pub struct StoreError(pub &'static str);

trait Step<T> {
    fn step(self, what: &'static str) -> Result<T, StoreError>;
}

impl<T, E> Step<T> for Result<T, E> {
    fn step(self, what: &'static str) -> Result<T, StoreError> {
        self.map_err(|_| StoreError(what))
    }
}

pub struct Store {
    db: IdbDatabase,
}

impl Store {
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = idb::open(name, VERSION, STORE, "id", &[BY_TIME])
            .await
            .step("open the database")?;
        Ok(Store { db })
    }

    fn begin(
        &self,
        mode: IdbTransactionMode,
        what: &'static str,
    ) -> Result<(IdbTransaction, IdbObjectStore), StoreError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(STORE, mode)
            .step(what)?;
        let store = tx.object_store(STORE).step(what)?;
        Ok((tx, store))
    }

    fn by_time(&self, what: &'static str) -> Result<IdbIndex, StoreError> {
        let (_, store) = self.begin(IdbTransactionMode::Readonly, what)?;
        store.index(BY_TIME).step(what)
    }

    /// Saves a batch in one transaction; a comment already stored is overwritten by the newer
    /// copy. The ids in `gone` (taken down by the operator) are deleted in the same transaction.
    pub async fn put_all(&self, comments: &[Comment], gone: &[String]) -> Result<(), StoreError> {
        if comments.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let what = "save comments";
        let (tx, store) = self.begin(IdbTransactionMode::Readwrite, what)?;
        // The requests queue in order inside the transaction; its commit says they all held.
        for c in comments {
            store
                .put(&crate::sync::codec::comment_to_js(c))
                .step(what)?;
        }
        for id in gone {
            store.delete(&JsValue::from_str(id)).step(what)?;
        }
        idb::committed(&tx).await.step(what)
    }

    /// The newest `n`, oldest first (by timestamp).
    pub async fn newest(&self, n: u32) -> Result<Vec<Comment>, StoreError> {
        let mut out = self.scan_back(None, n, 0).await?;
        out.reverse();
        Ok(out)
    }

    /// Up to `n` comments that come before `pos` in the stream, oldest first (by timestamp).
    pub async fn before(&self, pos: &Pos, n: u32) -> Result<Vec<Comment>, StoreError> {
        let mut skip = 0;
        loop {
            // Up to and including `pos`'s millisecond, whose comments may fall on either side.
            let batch = self.scan_back(Some(pos.timestamp), n, skip).await?;
            let full = batch.len() as u32 == n;
            let mut older: Vec<Comment> = batch
                .into_iter()
                .filter(|c| pos.locate(c).is_lt())
                .collect();
            if !older.is_empty() || !full {
                // Time order; the timeline settles ties within a millisecond when it merges.
                older.reverse();
                return Ok(older);
            }
            // A whole batch of the same millisecond, all at or after `pos`: look further.
            skip += n;
        }
    }
    /// The newest `limit` comments (oldest first) that the search `needle` (see
    /// `filter::needle`) finds, among everything stored, or `None` once `current` says a newer
    /// search replaced this one. The `timestamp` index is read from the newest in steps of
    /// [`SEARCH_STEP`] records, so a keystroke stops a search within one step and a large
    /// store is never read whole; only the text and username of each record are read, and
    /// only matches are decoded.
    pub async fn search(
        &self,
        needle: &str,
        limit: usize,
        current: impl Fn() -> bool,
    ) -> Result<Option<Vec<Comment>>, StoreError> {
        let mut found = Vec::new();
        let (mut upto, mut skip) = (None, 0);
        while current() {
            let rows = self.scan_raw(upto, SEARCH_STEP, skip).await?;
            for v in &rows {
                // The browser's lowercase and `includes` first, without copying every text out
                // of JS (the same test `filter::fold` makes); then the rule itself.
                if !(js_has(v, "text", needle) || js_has(v, "username", needle)) {
                    continue;
                }
                let text = field(v, "text").unwrap_or_default();
                if text_matches(needle, &text, field(v, "username").as_deref()) {
                    found.extend(from_js(v));
                }
            }
            match rows.last().and_then(stamp) {
                Some(ts) if found.len() < limit && rows.len() as u32 == SEARCH_STEP => {
                    // Go on below the oldest time read, past the records of that millisecond
                    // already read.
                    let same = rows
                        .iter()
                        .rev()
                        .take_while(|v| stamp(v) == Some(ts))
                        .count() as u32;
                    skip = if upto == Some(ts) { skip + same } else { same };
                    upto = Some(ts);
                }
                _ => {
                    found.truncate(limit);
                    found.reverse();
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }

    pub async fn count(&self) -> Result<u32, StoreError> {
        let what = "count comments";
        let (_, store) = self.begin(IdbTransactionMode::Readonly, what)?;
        let n = idb::request(&store.count().step(what)?).await.step(what)?;
        Ok(n.as_f64().unwrap_or_default() as u32)
    }

    /// Deletes the oldest comments beyond `cap`. Returns how many went.
    pub async fn prune(&self, cap: u32) -> Result<u32, StoreError> {
        let count = self.count().await?;
        if count <= cap {
            return Ok(0);
        }
        let what = "prune old comments";
        let (tx, store) = self.begin(IdbTransactionMode::Readwrite, what)?;
        // The index's keys in time order; getAllKeys gives their primary keys (the ids).
        let index = store.index(BY_TIME).step(what)?;
        let ids = index
            .get_all_keys_with_key_and_limit(&JsValue::NULL, count - cap)
            .step(what)?;
        let ids: js_sys::Array = idb::request(&ids).await.step(what)?.unchecked_into();
        for id in ids.iter() {
            store.delete(&id).step(what)?;
        }
        idb::committed(&tx).await.step(what)?;
        Ok(ids.length())
    }

    /// Newest first, at or before the timestamp `upto`, skipping the first `skip`.
    async fn scan_back(
        &self,
        upto: Option<u64>,
        n: u32,
        skip: u32,
    ) -> Result<Vec<Comment>, StoreError> {
        // A record this page cannot read (written by another version) is skipped, not fatal.
        Ok(self
            .scan_raw(upto, n, skip)
            .await?
            .iter()
            .filter_map(from_js)
            .collect())
    }

    /// The records themselves, newest first, at or before `upto`, skipping the first `skip`:
    /// a cursor down the `timestamp` index, `advance`d past the skipped ones in one step.
    async fn scan_raw(
        &self,
        upto: Option<u64>,
        n: u32,
        skip: u32,
    ) -> Result<Vec<JsValue>, StoreError> {
        let what = "read comments";
        let range = match upto {
            Some(ts) => IdbKeyRange::upper_bound(&JsValue::from_f64(ts as f64))
                .step(what)?
                .into(),
            None => JsValue::NULL,
        };
        let req = self
            .by_time(what)?
            .open_cursor_with_range_and_direction(&range, IdbCursorDirection::Prev)
            .step(what)?;
        let mut rows = Vec::new();
        let mut skipped = skip == 0;
        while (rows.len() as u32) < n {
            let Ok(cursor) = idb::request(&req)
                .await
                .step(what)?
                .dyn_into::<IdbCursorWithValue>()
            else {
                break; // null: the end of the range
            };
            if !skipped {
                skipped = true;
                cursor.advance(skip).step(what)?;
                continue;
            }
            rows.push(cursor.value().step(what)?);
            if (rows.len() as u32) < n {
                cursor.continue_().step(what)?;
            }
        }
        Ok(rows)
    }
}

fn stamp(v: &JsValue) -> Option<u64> {
    js_sys::Reflect::get(v, &"timestamp".into())
        .ok()?
        .as_f64()
        .map(|t| t as u64)
}

fn js_has(v: &JsValue, key: &str, needle: &str) -> bool {
    js_sys::Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .and_then(|s| s.dyn_into::<js_sys::JsString>().ok())
        .is_some_and(|s| s.to_lower_case().includes(needle, 0))
}

fn field(v: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(v, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// Ours, or the original app's record (read with its defaults, `codec::legacy_comment`).
fn from_js(v: &JsValue) -> Option<Comment> {
    crate::sync::codec::comment(v).or_else(|| crate::sync::codec::legacy_comment(v))
}
