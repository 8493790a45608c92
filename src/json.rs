//! JSON in and out. In the page the browser's own `JSON` does the text and serde-wasm-bindgen
//! maps its values (serde_json's parser would cost several KB of the download); natively (unit
//! tests) serde_json does the same job.

use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(target_arch = "wasm32")]
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

#[cfg(target_arch = "wasm32")]
pub fn encode<T: Serialize>(value: &T) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value)?).ok().map(Into::into)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn encode<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// A plain JS object (not a `Map`), as `JSON.parse` would give: what IndexedDB keeps.
pub fn to_js<T: Serialize>(value: &T) -> Option<wasm_bindgen::JsValue> {
    let s = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&s).ok()
}

pub fn from_js<T: DeserializeOwned>(value: &wasm_bindgen::JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value.clone()).ok()
}
