//! Say What Want, the browser app: a real-time comment stream.
//!
//! Data flows one way, and the folders show it (docs/app.md has the table):
//! - `model/`: pure logic (timeline, viewport, filters, polling and push rules, …), no browser
//!   APIs, tested natively;
//! - `sync/`: the only code that talks to the network (`api`, `socket`), IndexedDB (`store`,
//!   `persist`) and localStorage (`prefs`); it drives the stream and writes the signals;
//! - `state`: the signals, the one seam between sync and the view;
//! - `components/`: the view, reading signals; clicks become one typed `Act`;
//! - `browser`, `url_state`, `config`: DOM helpers, the address bar, settings.
//!
//! The browser-side parts are tested in a headless browser (`browser_tests`, and the end-to-end
//! suites in `tests/`).

pub mod browser;
pub mod components;
pub mod config;
pub mod model;
pub mod sound;
pub mod state;
pub mod sync;
pub mod url_state;

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;

pub use components::CommentsStream;
