//! IndexedDB's event-based requests as futures, by hand over web-sys.
//!
//! Every IndexedDB call answers with a request (or a transaction) that later fires `success` or
//! `error`. A JavaScript `Promise` whose `resolve` and `reject` are those handlers turns it into
//! a future without a Rust closure per request: that is most of what a wrapper crate costs the
//! page (rexie measured about 17 KB gzip; docs/app.md, size).
//!
//! The futures resume in a microtask of the event that woke them, so a transaction is still
//! active there and the next request can go into it (a cursor's `continue()`, say).

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest, IdbTransaction,
};

/// Resolves on `ok`, rejects on `err`: `handlers` installs them where the events fire.
async fn settle(handlers: impl FnOnce(&Function, &Function)) -> Result<(), JsValue> {
    let mut install = Some(handlers);
    let promise = Promise::new(&mut |ok, err| {
        if let Some(install) = install.take() {
            install(&ok, &err);
        }
    });
    JsFuture::from(promise).await.map(drop)
}

/// The result of one request once it succeeds.
pub async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    settle(|ok, err| {
        req.set_onsuccess(Some(ok));
        req.set_onerror(Some(err));
    })
    .await?;
    req.result()
}

/// Waits until the transaction commits (an abort or an error is an error).
pub async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    settle(|ok, err| {
        tx.set_oncomplete(Some(ok));
        tx.set_onerror(Some(err));
        tx.set_onabort(Some(err));
    })
    .await
}

/// Opens (or creates, or upgrades to `version`) the database with one object store keyed by
/// `key_path` and exactly the `indexes` given (name = key path). An upgrade keeps the store
/// and its records, adds what is missing and drops indexes it does not name (the original
/// app's `username` and `color`).
pub async fn open(
    name: &str,
    version: u32,
    store: &'static str,
    key_path: &'static str,
    indexes: &'static [&'static str],
) -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or(JsValue::NULL)?
        .indexed_db()?
        .ok_or(JsValue::NULL)?;
    let open: IdbOpenDbRequest = factory.open_with_u32(name, version)?;
    let upgrade = Closure::once(move |ev: web_sys::Event| {
        let Some(req) = ev
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
        else {
            return;
        };
        let Some(tx) = req.transaction() else { return };
        if shape(&req, &tx, store, key_path, indexes).is_err() {
            // The open then fails with an AbortError instead of leaving a half-made database.
            let _ = tx.abort();
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = request(&open).await;
    open.set_onupgradeneeded(None);
    drop(upgrade);
    db?.dyn_into()
}

fn shape(
    req: &IdbOpenDbRequest,
    tx: &IdbTransaction,
    store: &str,
    key_path: &str,
    indexes: &[&str],
) -> Result<(), JsValue> {
    let db: IdbDatabase = req.result()?.dyn_into()?;
    let os = if db.object_store_names().contains(store) {
        tx.object_store(store)?
    } else {
        let params = IdbObjectStoreParameters::new();
        params.set_key_path(&JsValue::from_str(key_path));
        db.create_object_store_with_optional_parameters(store, &params)?
    };
    let have = os.index_names();
    for i in (0..have.length()).rev() {
        if let Some(n) = have.get(i) {
            if !indexes.contains(&n.as_str()) {
                os.delete_index(&n)?;
            }
        }
    }
    for &index in indexes {
        if !os.index_names().contains(index) {
            os.create_index_with_str(index, index)?;
        }
    }
    Ok(())
}
