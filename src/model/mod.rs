//! The page's logic, without the browser: what the stream holds and shows, what to ask the
//! server next and when, the URL hash and conversation links, the composer's rules. Nothing here
//! touches the DOM, the network or storage, so all of it is tested natively (`cargo test`).
//! (`filter` and `hash` call two JavaScript string functions in the page instead of carrying
//! Rust's Unicode tables: the same answers, fewer bytes to download.)

pub mod alerts;
pub mod color;
pub mod conversation;
pub mod counts;
pub mod draft;
pub mod export;
pub mod filter;
pub mod hash;
pub mod linkify;
pub mod poll;
pub mod push;
pub mod reltime;
pub mod scroll;
pub mod timeline;
pub mod video;
pub mod viewport;
