//! The operator's side of the contract: the actions an operator takes (one typed enum, sent as
//! `POST /api/admin/actions`), what a reader sends to report a comment, the rules a post is held
//! to (blocked words and link domains, slow mode, bans), and the state the operator page reads.
//! The worker enforces these; the operator page builds them; both parse with the same code.

use serde::{Deserialize, Serialize};

use crate::validate::FieldError;
use crate::{is_valid_id, Comment};

/// Where the operator sends an [`AdminAction`] (`Authorization: Bearer <ADMIN_TOKEN>`).
pub const ADMIN_ACTIONS_PATH: &str = "/api/admin/actions";
/// Where the operator page reads [`ModerationState`].
pub const ADMIN_STATE_PATH: &str = "/api/admin/state";
/// `POST /api/comments/{id}/report`: the last path segment.
pub const REPORT_SEGMENT: &str = "report";

/// Entries in each blocked list, and the characters of one entry.
pub const MAX_BLOCKED_ENTRIES: usize = 200;
pub const MAX_BLOCKED_ENTRY_CHARS: usize = 64;
/// The longest ban: a year.
pub const MAX_BAN_MINUTES: u32 = 525_600;
/// The longest gap slow mode may ask between one network's posts.
pub const MAX_SLOW_MODE_SECONDS: u32 = 3_600;
pub const MAX_REPORT_REASON_CHARS: usize = 200;
/// Reported comments waiting for the operator; past this the oldest report is dropped.
pub const MAX_REPORTS: usize = 500;
/// Reports one comment keeps the reasons of (the count goes on).
pub const MAX_REASONS_PER_REPORT: usize = 5;
/// Audit entries kept (newest).
pub const MAX_AUDIT: usize = 500;
/// Taken-down ids every first load carries, so a page that reopens drops what it kept.
pub const RECENT_REMOVALS: usize = 500;
/// Retention: with no rule set, the log keeps this many comments (about 1 GB at 1 KB each,
/// a tenth of an object's 10 GB).
pub const DEFAULT_KEEP_COMMENTS: u64 = 1_000_000;
/// The fewest comments a retention rule may keep.
pub const MIN_KEEP_COMMENTS: u64 = 1_000;

/// Who a ban is for. `authorOf` names a comment: the worker bans the network it came from,
/// which the operator never sees (networks are shown as opaque labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BanTarget {
    Network(String),
    Username(String),
    AuthorOf(String),
}

/// One thing the operator does. Every one is recorded in the audit log; most can be undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase", deny_unknown_fields)]
pub enum AdminAction {
    /// Takes a comment down and keeps it, so it can be restored.
    Hide {
        id: String,
    },
    /// Takes a comment down for good.
    Delete {
        id: String,
    },
    /// Puts a hidden comment back.
    Restore {
        id: String,
    },
    Ban {
        target: BanTarget,
        minutes: u32,
    },
    Unban {
        target: BanTarget,
    },
    /// Replaces the blocked words (matched as whole words, ignoring case).
    BlockWords {
        words: Vec<String>,
    },
    /// Replaces the blocked link domains (a domain blocks its subdomains too).
    BlockLinks {
        domains: Vec<String>,
    },
    /// The least time between two posts of one network; 0 turns slow mode off.
    SlowMode {
        seconds: u32,
    },
    /// How many comments the log keeps; older ones are deleted in the background.
    Retention {
        keep: u64,
    },
    /// Clears a comment's reports without acting on it.
    DismissReport {
        id: String,
    },
    /// Undoes an earlier action by its audit number.
    Undo {
        entry: u64,
    },
}

impl AdminAction {
    /// A short name for audit lines and the page.
    pub fn name(&self) -> &'static str {
        match self {
            AdminAction::Hide { .. } => "hide",
            AdminAction::Delete { .. } => "delete",
            AdminAction::Restore { .. } => "restore",
            AdminAction::Ban { .. } => "ban",
            AdminAction::Unban { .. } => "unban",
            AdminAction::BlockWords { .. } => "blockWords",
            AdminAction::BlockLinks { .. } => "blockLinks",
            AdminAction::SlowMode { .. } => "slowMode",
            AdminAction::Retention { .. } => "retention",
            AdminAction::DismissReport { .. } => "dismissReport",
            AdminAction::Undo { .. } => "undo",
        }
    }
}

/// The rules every post is held to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    #[serde(default)]
    pub blocked_words: Vec<String>,
    #[serde(default)]
    pub blocked_links: Vec<String>,
    #[serde(default)]
    pub slow_mode_seconds: u32,
    #[serde(default = "default_keep")]
    pub keep_comments: u64,
}

fn default_keep() -> u64 {
    DEFAULT_KEEP_COMMENTS
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            blocked_words: Vec::new(),
            blocked_links: Vec::new(),
            slow_mode_seconds: 0,
            keep_comments: DEFAULT_KEEP_COMMENTS,
        }
    }
}

/// Why a post was refused by the operator's rules (the answer names which rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub enum Refusal {
    /// The network or the name is banned until `until` (ms since the epoch), `minutes` from now.
    Banned {
        until: u64,
        minutes: u64,
    },
    BlockedWord {
        word: String,
    },
    BlockedLink {
        domain: String,
    },
    /// Slow mode: this network may post again in `seconds`.
    SlowMode {
        seconds: u32,
    },
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Banned { minutes, .. } => {
                format!("posting from here is suspended by the operator for {minutes} more minutes")
            }
            Refusal::BlockedWord { word } => {
                format!("the message contains a blocked word ({word:?}); change it and send again")
            }
            Refusal::BlockedLink { domain } => {
                format!("links to {domain} are not allowed here; remove the link and send again")
            }
            Refusal::SlowMode { seconds } => {
                format!("slow mode is on: you can post again in {seconds} seconds")
            }
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Banned { .. } => "banned",
            Refusal::BlockedWord { .. } => "blocked_word",
            Refusal::BlockedLink { .. } => "blocked_link",
            Refusal::SlowMode { .. } => "slow_mode",
        }
    }
}

impl Rules {
    /// The first rule the text or name breaks, if any.
    pub fn violation(&self, text: &str, username: Option<&str>) -> Option<Refusal> {
        let words = words_of(text).chain(username.into_iter().flat_map(words_of));
        let mut lowered: Vec<String> = words.map(str::to_lowercase).collect();
        lowered.dedup();
        if let Some(w) = self
            .blocked_words
            .iter()
            .find(|b| lowered.iter().any(|w| w == *b) || phrase_in(b, text))
        {
            return Some(Refusal::BlockedWord { word: w.clone() });
        }
        for host in hosts_in(text) {
            if let Some(d) = self
                .blocked_links
                .iter()
                .find(|d| host == **d || host.ends_with(&format!(".{d}")))
            {
                return Some(Refusal::BlockedLink { domain: d.clone() });
            }
        }
        None
    }
}

fn words_of(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
}

/// A blocked entry of several words matches them in order, ignoring case and punctuation.
fn phrase_in(blocked: &str, text: &str) -> bool {
    if !blocked.contains(' ') {
        return false;
    }
    let text: Vec<String> = words_of(text).map(str::to_lowercase).collect();
    let want: Vec<&str> = blocked.split(' ').collect();
    text.windows(want.len())
        .any(|w| w.iter().zip(&want).all(|(a, b)| a == b))
}

/// The host names a text mentions: `https://a.example/x`, `www.a.example`, `a.example/path`.
pub fn hosts_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|token| {
            let t = token.trim_matches(|c: char| "()[]<>\"'.,;!?".contains(c));
            let rest = t.split_once("://").map_or(
                t,
                |(scheme, rest)| if scheme.len() <= 10 { rest } else { t },
            );
            let host = rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .rsplit('@')
                .next()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .trim_end_matches('.')
                .to_lowercase();
            let looks_like_host = host.contains('.')
                && host
                    .split('.')
                    .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
                && host
                    .rsplit('.')
                    .next()
                    .is_some_and(|tld| tld.chars().any(|c| c.is_alphabetic()));
            looks_like_host.then_some(host)
        })
        .collect()
}

/// A ban in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ban {
    /// `network` (an opaque label) or `username` (lower case).
    pub target: BanTarget,
    /// Ms since the epoch.
    pub until: u64,
}

/// A reported comment waiting for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub comment_id: String,
    pub count: u32,
    /// The first few reasons given (may be empty strings).
    pub reasons: Vec<String>,
    pub first_at: u64,
    pub last_at: u64,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub n: u64,
    pub at: u64,
    /// Who acted (`X-Operator` header, default `operator`).
    pub by: String,
    pub action: AdminAction,
    /// What undoes it, when something can (a deleted comment cannot come back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<AdminAction>,
    #[serde(default)]
    pub undone: bool,
}

/// The log object's own figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub comments: u64,
    pub removed: u64,
    pub sockets: u64,
    pub tail_comments: u64,
    pub tail_bytes: u64,
    pub wasm_memory_bytes: u64,
    pub storage_bytes: u64,
}

/// What `GET /api/admin/state` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationState {
    pub rules: Rules,
    pub bans: Vec<Ban>,
    /// Most reported first; each with the comment when it is still there.
    pub reports: Vec<ReportedComment>,
    /// Newest first.
    pub audit: Vec<AuditEntry>,
    /// Hidden comments, which `restore` can bring back (newest first).
    pub hidden: Vec<Comment>,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedComment {
    #[serde(flatten)]
    pub report: Report,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
}

fn field(name: &str, rule: &str) -> FieldError {
    FieldError::invalid(name, rule)
}

fn check_id(name: &str, id: &str) -> Result<(), FieldError> {
    if is_valid_id(id) {
        Ok(())
    } else {
        Err(field(name, "must be 1–64 of A–Z, a–z, 0–9, `_` and `-`"))
    }
}

/// One entry of a blocked list as it is matched: trimmed, lower case, inner spaces single.
fn normalized(entry: &str) -> String {
    entry
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn list(name: &str, entries: &[String], domain: bool) -> Result<Vec<String>, FieldError> {
    if entries.len() > MAX_BLOCKED_ENTRIES {
        return Err(field(
            name,
            &format!("may hold at most {MAX_BLOCKED_ENTRIES} entries"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for e in entries {
        let mut n = normalized(e);
        if domain {
            n = n
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("www.")
                .trim_end_matches('/')
                .to_owned();
        }
        if n.is_empty() {
            continue;
        }
        if n.chars().count() > MAX_BLOCKED_ENTRY_CHARS {
            return Err(field(
                name,
                &format!("entries must be at most {MAX_BLOCKED_ENTRY_CHARS} characters"),
            ));
        }
        if domain && (hosts_in(&n) != [n.clone()]) {
            return Err(field(
                name,
                &format!("{n:?} is not a domain name (like `example.com`)"),
            ));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

fn target(t: BanTarget) -> Result<BanTarget, FieldError> {
    match t {
        BanTarget::AuthorOf(id) => {
            check_id("target.authorOf", &id).map(|()| BanTarget::AuthorOf(id))
        }
        BanTarget::Username(u) => {
            let u = u.trim().to_lowercase();
            if u.is_empty() || u.chars().count() > crate::MAX_AI_USERNAME_CHARS {
                Err(field(
                    "target.username",
                    "must be a name of 1–32 characters",
                ))
            } else {
                Ok(BanTarget::Username(u))
            }
        }
        BanTarget::Network(n) => {
            if n.len() == 17 && n.starts_with('n') && n[1..].bytes().all(|b| b.is_ascii_hexdigit())
            {
                Ok(BanTarget::Network(n))
            } else {
                Err(field(
                    "target.network",
                    "must be a network label as the operator state shows it (`n` and 16 hex digits)",
                ))
            }
        }
    }
}

/// Parses and checks an action body, normalizing lists and names.
pub fn parse_admin_action(body: &[u8]) -> Result<AdminAction, FieldError> {
    let action: AdminAction = serde_json::from_slice(body).map_err(|e| FieldError {
        code: "invalid_action",
        field: Some("action".into()),
        message: format!(
            "the body must be one operator action, like {{\"action\":\"hide\",\"id\":\"…\"}} (docs/api.md, Operating): {e}"
        ),
    })?;
    Ok(match action {
        AdminAction::Hide { id } => check_id("id", &id).map(|()| AdminAction::Hide { id })?,
        AdminAction::Delete { id } => check_id("id", &id).map(|()| AdminAction::Delete { id })?,
        AdminAction::Restore { id } => check_id("id", &id).map(|()| AdminAction::Restore { id })?,
        AdminAction::DismissReport { id } => {
            check_id("id", &id).map(|()| AdminAction::DismissReport { id })?
        }
        AdminAction::Ban { target: t, minutes } => {
            if minutes == 0 || minutes > MAX_BAN_MINUTES {
                return Err(field(
                    "minutes",
                    &format!("must be 1–{MAX_BAN_MINUTES} (a year)"),
                ));
            }
            AdminAction::Ban {
                target: target(t)?,
                minutes,
            }
        }
        AdminAction::Unban { target: t } => AdminAction::Unban { target: target(t)? },
        AdminAction::BlockWords { words } => AdminAction::BlockWords {
            words: list("words", &words, false)?,
        },
        AdminAction::BlockLinks { domains } => AdminAction::BlockLinks {
            domains: list("domains", &domains, true)?,
        },
        AdminAction::SlowMode { seconds } => {
            if seconds > MAX_SLOW_MODE_SECONDS {
                return Err(field(
                    "seconds",
                    &format!("must be 0–{MAX_SLOW_MODE_SECONDS}"),
                ));
            }
            AdminAction::SlowMode { seconds }
        }
        AdminAction::Retention { keep } => {
            if keep < MIN_KEEP_COMMENTS {
                return Err(field(
                    "keep",
                    &format!("must be at least {MIN_KEEP_COMMENTS} comments"),
                ));
            }
            AdminAction::Retention { keep }
        }
        AdminAction::Undo { entry } => AdminAction::Undo { entry },
    })
}

/// `{"reason": "…"}` (optional, at most 200 characters) or an empty body.
pub fn parse_report(body: &[u8]) -> Result<String, FieldError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(String::new());
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[serde(default)]
        reason: String,
    }
    let b: Body = serde_json::from_slice(body).map_err(|e| FieldError {
        code: "invalid_json",
        field: None,
        message: format!("the body must be {{\"reason\": \"…\"}} or empty: {e}"),
    })?;
    let reason = b.reason.trim();
    if reason.chars().count() > MAX_REPORT_REASON_CHARS {
        return Err(field(
            "reason",
            &format!("must be at most {MAX_REPORT_REASON_CHARS} characters"),
        ));
    }
    if reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(field("reason", "must not contain control characters"));
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
#[path = "moderation_tests.rs"]
mod tests;
