//! Every tunable number of the app in one place, so tests can run the real code with short
//! intervals and their own IndexedDB database.

/// Where the API lives. Set `SWW_API_BASE` at build time when the worker is on another origin
/// (for example `https://api.example.org/api`); by default the page and the API share one.
pub const API_BASE: &str = match option_env!("SWW_API_BASE") {
    Some(base) => base,
    None => "/api",
};

/// The video drawer's manifest (`{"videos": [{"key", "url"}]}`). Set `SWW_VIDEO_MANIFEST` at
/// build time to serve it from elsewhere (a public bucket, say); `make run` serves a few
/// clips it makes itself at the default (scripts/make-videos.sh).
pub const VIDEO_MANIFEST: &str = match option_env!("SWW_VIDEO_MANIFEST") {
    Some(url) => url,
    None => "/videos/manifest.json",
};

/// The longest message the page lets a person send (the API itself allows more, for bots).
/// `SWW_DEFAULT_ENTITY` at build time: the entity a plain page's posts summon (with 20 rows of
/// context). Unset, a page without a conversation link summons no bot.
pub const DEFAULT_ENTITY: Option<&str> = option_env!("SWW_DEFAULT_ENTITY");

pub const MAX_MESSAGE_CHARS: usize = 201;

/// How long the search box waits after the last key before it searches.
pub const SEARCH_DEBOUNCE_MS: u32 = 150;

/// The page's title on each site it is served from (the original's `DOMAIN_CONFIGS`); any
/// other host gets the first.
const SITE_TITLES: &[(&str, &str)] = &[
    ("saywhatwant.app", "Say What Want"),
    ("shittosay.app", "Shit To Say"),
];

/// The title for the host name the page is served from (`www.` and case aside).
pub fn site_title(host: &str) -> &'static str {
    let host = host.strip_prefix("www.").unwrap_or(host);
    SITE_TITLES
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host))
        .unwrap_or(&SITE_TITLES[0])
        .1
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub api_base: String,
    /// IndexedDB database; the page contract fixes `SayWhatWant`.
    pub db_name: String,
    /// Prefix of the localStorage keys (name, colour, draft, unsent posts).
    pub storage_prefix: String,
    /// How many comments the first (cached) load asks for.
    pub bulk_limit: usize,
    /// How many comments one poll asks for.
    pub poll_limit: usize,
    pub poll_interval_ms: u32,
    /// A hidden tab polls no more often than this.
    pub hidden_interval_ms: u32,
    pub max_backoff_ms: u32,
    /// A request that has not answered by then is aborted and counts as failed, so one hung
    /// connection cannot stall polling (only one request is ever in flight).
    pub request_timeout_ms: u32,
    /// Rows in the DOM at most: the window over the timeline that is rendered.
    pub window_rows: usize,
    /// How far one scroll to either end moves the window.
    pub chunk_rows: usize,
    /// Comments kept in memory while following the newest; older ones are re-read from
    /// IndexedDB when the reader scrolls back.
    pub memory_rows: usize,
    /// IndexedDB keeps at most this many comments and prunes the oldest.
    pub store_cap: u32,
    /// And at most about this many bytes (the browser's estimate of what the page stores).
    pub store_bytes_cap: f64,
    /// Opening IndexedDB that takes longer than this (another tab blocks an upgrade) gives up.
    pub store_open_timeout_ms: u32,
    /// Follow the live channel when it works (`false`: polls only; the page's `?push=off`).
    pub push: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api_base: API_BASE.trim_end_matches('/').to_owned(),
            db_name: "SayWhatWant".to_owned(),
            storage_prefix: "sww.".to_owned(),
            bulk_limit: 200,
            poll_limit: 200,
            poll_interval_ms: 5_000,
            hidden_interval_ms: 30_000,
            max_backoff_ms: 30_000,
            request_timeout_ms: 15_000,
            window_rows: 500,
            chunk_rows: 100,
            memory_rows: 2_000,
            store_cap: 50_000,
            store_bytes_cap: 25e6,
            store_open_timeout_ms: 5_000,
            push: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_respect_the_contract() {
        let s = Settings::default();
        assert_eq!(s.db_name, "SayWhatWant");
        assert!(
            !s.api_base.ends_with('/'),
            "paths are joined as {{base}}/comments"
        );
        assert!(
            s.bulk_limit <= saywhatwant_wire::MAX_LIMIT
                && s.poll_limit <= saywhatwant_wire::MAX_LIMIT
        );
        assert!(s.memory_rows >= s.window_rows + s.chunk_rows);
        assert!(s.hidden_interval_ms >= 30_000);
    }

    #[test]
    fn each_site_has_its_title() {
        assert_eq!(site_title("saywhatwant.app"), "Say What Want");
        assert_eq!(site_title("www.ShitToSay.app"), "Shit To Say");
        assert_eq!(site_title("127.0.0.1"), "Say What Want");
    }
}
