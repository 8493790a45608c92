//! IndexedDB: the comments this browser has seen, kept between visits.
//!
//! Database `SayWhatWant`, store `messages`, key path `id`, values the comments as served (the
//! page contract). An index on `timestamp` reads the newest first and pages back through
//! history without loading it all.
//!
//! On web-sys directly, with one way to wait for a request or a transaction ([`until`]): the
//! wrapper crates (rexie over idb) cost about 17 KB gzip of the page budget, mostly a closure
//! and a future type per kind of request, hash maps for the schema, and the formatting of their
//! panics with Rust's Unicode tables (docs/app.md, size).

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, IdbCursorDirection, IdbCursorWithValue, IdbDatabase, IdbKeyRange, IdbObjectStore,
    IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use saywhatwant_wire::Comment;

use crate::filter::text_matches;
use crate::timeline::Pos;

const STORE: &str = "messages";
const BY_TIME: &str = "timestamp";
/// 2 adds the `timestamp` index to a version-1 database made by an earlier page.
const VERSION: u32 = 2;
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

impl<T> Step<T> for Option<T> {
    fn step(self, what: &'static str) -> Result<T, StoreError> {
        self.ok_or(StoreError(what))
    }
}

pub struct Store {
    db: IdbDatabase,
}

impl Store {
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let what = "open the database";
        // `indexedDB` itself throws in private modes and under storage policies.
        let factory = web_sys::window()
            .step(what)?
            .indexed_db()
            .step(what)?
            .step(what)?;
        let request = factory.open_with_u32(name, VERSION).step(what)?;
        let upgrade = {
            let request = request.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| upgrade(&request))
        };
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let db: IdbDatabase = result(&request).await.step(what)?.unchecked_into();
        request.set_onupgradeneeded(None);
        // Another tab opens a newer version: let it, rather than block it.
        let close: Function = Reflect::get(&db, &"close".into())
            .step(what)?
            .unchecked_into();
        db.set_onversionchange(Some(&close.bind0(&db)));
        Ok(Store { db })
    }

    fn transaction(
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

    /// Saves a batch in one transaction; a comment already stored is overwritten by the newer copy.
    pub async fn put_all(&self, comments: &[Comment]) -> Result<(), StoreError> {
        if comments.is_empty() {
            return Ok(());
        }
        let what = "save comments";
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite, what)?;
        for c in comments {
            // A failed put aborts the transaction, which `commit` reports.
            store.put(&crate::codec::comment_to_js(c)).step(what)?;
        }
        commit(&tx).await.step(what)
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
        let (_, store) = self.transaction(IdbTransactionMode::Readonly, what)?;
        let n = result(&store.count().step(what)?).await.step(what)?;
        n.as_f64().map(|n| n as u32).step(what)
    }

    /// Deletes the oldest comments beyond `cap`. Returns how many went.
    pub async fn prune(&self, cap: u32) -> Result<u32, StoreError> {
        let count = self.count().await?;
        if count <= cap {
            return Ok(0);
        }
        let what = "prune old comments";
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite, what)?;
        // The index's keys in time order; getAllKeys gives their primary keys (the ids).
        let index = store.index(BY_TIME).step(what)?;
        let request = index
            .get_all_keys_with_key_and_limit(&JsValue::UNDEFINED, count - cap)
            .step(what)?;
        let ids: Array = result(&request).await.step(what)?.unchecked_into();
        for id in ids.iter() {
            store.delete(&id).step(what)?;
        }
        commit(&tx).await.step(what)?;
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

    /// The records themselves, newest first, at or before `upto`, skipping the first `skip`.
    async fn scan_raw(
        &self,
        upto: Option<u64>,
        n: u32,
        mut skip: u32,
    ) -> Result<Vec<JsValue>, StoreError> {
        let what = "read comments";
        let range = match upto {
            Some(ts) => IdbKeyRange::upper_bound(&JsValue::from_f64(ts as f64))
                .step(what)?
                .into(),
            None => JsValue::UNDEFINED,
        };
        let (_, store) = self.transaction(IdbTransactionMode::Readonly, what)?;
        let request = store
            .index(BY_TIME)
            .step(what)?
            .open_cursor_with_range_and_direction(&range, IdbCursorDirection::Prev)
            .step(what)?;
        let mut rows = Vec::new();
        while (rows.len() as u32) < n {
            // The same request succeeds again after each step: null past the last record.
            let cursor = result(&request).await.step(what)?;
            if cursor.is_null() {
                break;
            }
            let cursor: IdbCursorWithValue = cursor.unchecked_into();
            if skip > 0 {
                cursor.advance(skip).step(what)?;
                skip = 0;
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

/// A new database, or one made by an earlier page (version 1, without the `timestamp` index).
/// Runs inside the upgrade event, while its transaction may still change the schema; what
/// fails here shows as a failed read or write later.
fn upgrade(request: &IdbOpenDbRequest) {
    let (Ok(db), Some(tx)) = (request.result(), request.transaction()) else {
        return;
    };
    let db: IdbDatabase = db.unchecked_into();
    let store = if db.object_store_names().contains(STORE) {
        tx.object_store(STORE)
    } else {
        let params = IdbObjectStoreParameters::new();
        params.set_key_path(&"id".into());
        db.create_object_store_with_optional_parameters(STORE, &params)
    };
    if let Ok(store) = store {
        if !store.index_names().contains(BY_TIME) {
            let _ = store.create_index_with_str(BY_TIME, "timestamp");
        }
    }
}

/// Waits until `target` fires the event whose handler property is `ok` (`onsuccess`,
/// `oncomplete`); `Err` when it fires `fail` instead. The browser's own error is not kept (see
/// [`StoreError`]).
async fn until(target: &JsValue, ok: &str, fail: &str) -> Result<(), ()> {
    let settled = Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(target, &ok.into(), &resolve);
        let _ = Reflect::set(target, &fail.into(), &reject);
    });
    // The continuation runs in a microtask of the event, while the transaction is still active.
    JsFuture::from(settled).await.map(drop).map_err(drop)
}

/// A request's result, once it succeeds.
async fn result(request: &IdbRequest) -> Result<JsValue, ()> {
    until(request, "onsuccess", "onerror").await?;
    request.result().map_err(drop)
}

/// Waits until `tx` has committed. A failed request aborts its transaction, so one that was not
/// awaited fails here.
async fn commit(tx: &IdbTransaction) -> Result<(), ()> {
    until(tx, "oncomplete", "onabort").await
}

fn stamp(v: &JsValue) -> Option<u64> {
    Reflect::get(v, &"timestamp".into())
        .ok()?
        .as_f64()
        .map(|t| t as u64)
}

fn js_has(v: &JsValue, key: &str, needle: &str) -> bool {
    Reflect::get(v, &JsValue::from_str(key))
        .ok()
        .and_then(|s| s.dyn_into::<js_sys::JsString>().ok())
        .is_some_and(|s| s.to_lower_case().includes(needle, 0))
}

fn field(v: &JsValue, key: &str) -> Option<String> {
    Reflect::get(v, &JsValue::from_str(key)).ok()?.as_string()
}

fn from_js(v: &JsValue) -> Option<Comment> {
    crate::codec::comment(v)
}
