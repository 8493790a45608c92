//! Say What Want, the browser app: a real-time comment stream.
//!
//! Data flows one way: network (`api`, `socket`) → IndexedDB (`store`, `persist`) → signals
//! (`state`) → view (`components`), driven by `sync`. The modules without browser APIs
//! (`timeline`, `viewport`, `poll`, `push`, `reltime`, `linkify`, `color`, `draft`, `scroll`,
//! `filter`, `hash`, `counts`, `export`) hold the logic and are tested natively; the rest is
//! tested in a headless browser (`browser_tests`, and the end-to-end suites in `tests/`).

pub mod api;
pub mod browser;
pub mod codec;
pub mod color;
pub mod components;
pub mod config;
pub mod conversation;
pub mod counts;
pub mod draft;
pub mod export;
pub mod filter;
pub mod hash;
pub mod linkify;
pub mod persist;
pub mod poll;
pub mod prefs;
pub mod push;
pub mod reltime;
pub mod scroll;
pub mod socket;
pub mod state;
pub mod store;
pub mod sync;
pub mod timeline;
pub mod url_state;
pub mod viewport;
pub mod wake;

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;

pub use components::CommentsStream;
