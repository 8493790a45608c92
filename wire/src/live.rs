//! The live channel's contract, one place for the worker that serves it and the page and the
//! bot that follow it: where it is, how it is kept alive, and what its close codes mean
//! (docs/api.md, `GET /api/comments/live`).

mod post;

pub use post::{channel_post, parse_channel_post, Ack, ACK_WAIT_MS, POST_FIELD};

/// Where the API lives on the site.
pub const API_PREFIX: &str = "/api";
/// The channel's path on the site.
pub const LIVE_PATH: &str = "/api/comments/live";

/// The keep-alive a client sends, and the answer the runtime gives without waking the object.
pub const PING: &str = "ping";
pub const PONG: &str = "pong";
/// Clients ping after hearing nothing (no frame, no pong) for this long: a socket that frames
/// keep busy sends no keep-alive at all.
pub const PING_EVERY_MS: u64 = 30_000;
/// A client that heard nothing for this long (not even a pong) gives the socket up.
pub const SILENT_MS: u64 = 75_000;
/// The server closes a socket that sent nothing, not even a ping, and was sent no frame for
/// this long ([`CLOSE_IDLE`], at the next round).
pub const IDLE_AFTER_MS: u64 = 120_000;

// The server's idle rule leaves room for three missed pings, the client's for two.
const _: () = assert!(IDLE_AFTER_MS >= 3 * PING_EVERY_MS && SILENT_MS > 2 * PING_EVERY_MS);

/// The service restarts (the operator closed the sockets, a relay lost track of the log): the
/// relay resumes every cursor, so clients reconnect, each after a random part of
/// [`RESTART_SPREAD_MS`], rather than all at once or by polling the log.
pub const CLOSE_RESTART: u16 = 1012;
pub const RESTART_SPREAD_MS: u64 = 5_000;
/// Nothing heard from the socket for [`IDLE_AFTER_MS`]: a live client reconnects.
pub const CLOSE_IDLE: u16 = 4408;
/// The cursor is not from this stream (it was reset): load again without one.
pub const CLOSE_UNKNOWN_CURSOR: u16 = 4409;
/// Too far behind for the channel: catch up by polling (which pages), then connect again.
pub const CLOSE_BEHIND: u16 = 4410;
/// The client's network holds as many sockets as it may: poll instead.
pub const CLOSE_NETWORK_FULL: u16 = 4429;
/// The channel holds as many sockets as it may: poll instead.
pub const CLOSE_FULL: u16 = 4503;

/// How many pages are open on the stream (the relays' sockets, summed), sent on the channel as
/// `{"online": n}` when it changes, at most every [`ONLINE_EVERY_MS`], and after a socket's
/// first frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Presence {
    pub online: u64,
}

pub const ONLINE_EVERY_MS: u64 = 5_000;

/// The channel's address for an API base URL (`http://host/api`, `https://…/api`), as ws(s).
pub fn live_url(api_base_url: &str, query: &str) -> String {
    let ws = api_base_url
        .trim_end_matches('/')
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    let route = &LIVE_PATH[API_PREFIX.len()..];
    format!("{ws}{route}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_follows_the_api_base_as_ws() {
        assert_eq!(
            live_url("http://127.0.0.1:8080/api", "after=s5"),
            "ws://127.0.0.1:8080/api/comments/live?after=s5"
        );
        assert_eq!(
            live_url("https://api.example.org/api/", "type=AI"),
            "wss://api.example.org/api/comments/live?type=AI"
        );
        assert!(LIVE_PATH.starts_with(API_PREFIX));
    }
}
