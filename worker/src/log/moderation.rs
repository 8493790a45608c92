//! The operator's state inside the log: the rules posts are held to, the bans, the report
//! queue and the audit of every action. It is small and changes only when someone acts, so it
//! lives in one meta row, read once after the object starts and rewritten after each change.
//! Slow mode's "last post" times are kept in memory only: after a restart a network may post
//! once without waiting, which the per-network rate limit still bounds.

use std::collections::HashMap;

use saywhatwant_wire::moderation::{
    AdminAction, AuditEntry, Ban, BanTarget, Refusal, Report, Rules, MAX_AUDIT,
    MAX_REASONS_PER_REPORT, MAX_REPORTS,
};
use saywhatwant_wire::NewComment;
use serde::{Deserialize, Serialize};

use super::store::{Entry, LogStore, StoreError};

/// The meta row that holds [`Moderation`].
pub const META_KEY: &str = "moderation";
/// Networks one report remembers, so one network reporting again does not count twice.
const MAX_REPORTERS: usize = 50;
/// Networks slow mode remembers at once; past it, those whose gap has passed are forgotten.
const MAX_REMEMBERED_POSTERS: usize = 10_000;

/// What a committed change sends to open pages.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new or changed comment.
    Comment(Box<Entry>),
    /// A comment taken down.
    Removed(String),
}

/// An operator action, done and recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Acted {
    pub entry: AuditEntry,
    pub change: Option<Change>,
}

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("no comment in the log has the id {0:?}")]
    NotFound(String),
    #[error("the comment {0:?} is not hidden: only a hidden comment can be restored")]
    NotHidden(String),
    #[error("no reports are queued for the comment {0:?}")]
    NoReport(String),
    #[error("the network of comment {0:?} is not known (bots' and imported comments have none)")]
    NoNetwork(String),
    #[error("the audit has no entry {0}")]
    NoEntry(u64),
    #[error("audit entry {0} was undone already")]
    AlreadyUndone(u64),
    #[error("audit entry {0} cannot be undone: {1}")]
    CannotUndo(u64, &'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Filed {
    pub report: Report,
    pub networks: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moderation {
    pub rules: Rules,
    pub bans: Vec<Ban>,
    pub(super) reports: Vec<Filed>,
    /// Oldest first.
    pub audit: Vec<AuditEntry>,
    pub next_entry: u64,
    /// Comments taken down (hidden or deleted) and deleted by retention: the count's gaps.
    pub removed: u64,
    pub pruned: u64,
    #[serde(skip)]
    last_post: HashMap<String, u64>,
}

impl Moderation {
    pub fn load<S: LogStore>(store: &S) -> Result<Self, StoreError> {
        match store.meta(META_KEY)? {
            None => Ok(Moderation::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError(format!("the moderation state does not parse: {e}"))),
        }
    }

    pub fn save<S: LogStore>(&self, store: &S) -> Result<(), StoreError> {
        let json = serde_json::to_string(self)
            .map_err(|e| StoreError(format!("encoding the moderation state: {e}")))?;
        store.set_meta(META_KEY, &json)
    }

    fn ban_on(&self, target: &BanTarget, now: u64) -> Option<&Ban> {
        self.bans
            .iter()
            .find(|b| b.until > now && &b.target == target)
    }

    /// Whether a visitor's post from `network` may be stored now.
    pub fn admit(&self, new: &NewComment, network: &str, now: u64) -> Result<(), Refusal> {
        let name = new.username.as_deref().map(|u| u.trim().to_lowercase());
        let bans = [
            Some(BanTarget::Network(network.to_owned())),
            name.map(BanTarget::Username),
        ];
        if let Some(ban) = bans.iter().flatten().find_map(|t| self.ban_on(t, now)) {
            return Err(Refusal::Banned {
                until: ban.until,
                minutes: (ban.until - now).div_ceil(60_000),
            });
        }
        if let Some(r) = self.rules.violation(&new.text, new.username.as_deref()) {
            return Err(r);
        }
        let gap = u64::from(self.rules.slow_mode_seconds) * 1000;
        if let Some(last) = self.last_post.get(network) {
            if gap > 0 && now < last + gap {
                return Err(Refusal::SlowMode {
                    seconds: (last + gap - now).div_ceil(1000) as u32,
                });
            }
        }
        Ok(())
    }

    /// A post from `network` was stored (slow mode starts its wait).
    pub fn posted(&mut self, network: &str, now: u64) {
        let gap = u64::from(self.rules.slow_mode_seconds) * 1000;
        if gap == 0 {
            return;
        }
        if self.last_post.len() >= MAX_REMEMBERED_POSTERS {
            self.last_post.retain(|_, t| *t + gap > now);
        }
        self.last_post.insert(network.to_owned(), now);
    }

    /// Files a reader's report; a network's second report of one comment is not counted.
    pub fn report(&mut self, id: &str, reason: String, network: &str, now: u64) {
        match self.reports.iter_mut().find(|f| f.report.comment_id == id) {
            Some(f) if f.networks.iter().any(|n| n == network) => {}
            Some(f) => {
                f.report.count += 1;
                f.report.last_at = now;
                if !reason.is_empty() && f.report.reasons.len() < MAX_REASONS_PER_REPORT {
                    f.report.reasons.push(reason);
                }
                if f.networks.len() < MAX_REPORTERS {
                    f.networks.push(network.to_owned());
                }
            }
            None => {
                if self.reports.len() >= MAX_REPORTS {
                    self.reports.remove(0);
                }
                self.reports.push(Filed {
                    report: Report {
                        comment_id: id.to_owned(),
                        count: 1,
                        reasons: if reason.is_empty() {
                            vec![]
                        } else {
                            vec![reason]
                        },
                        first_at: now,
                        last_at: now,
                    },
                    networks: vec![network.to_owned()],
                })
            }
        }
    }

    /// Drops a comment's reports; whether there were any.
    pub fn clear_reports(&mut self, id: &str) -> bool {
        let before = self.reports.len();
        self.reports.retain(|f| f.report.comment_id != id);
        self.reports.len() != before
    }

    /// The queue, most reported first.
    pub fn queue(&self, limit: usize) -> Vec<Report> {
        let mut all: Vec<&Report> = self.reports.iter().map(|f| &f.report).collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_at.cmp(&a.last_at)));
        all.into_iter().take(limit).cloned().collect()
    }

    /// Sets or replaces a ban; what undoes it.
    pub fn ban(&mut self, target: BanTarget, minutes: u32, now: u64) -> Option<AdminAction> {
        let previous = self.unban(&target, now);
        self.bans.push(Ban {
            target: target.clone(),
            until: now + u64::from(minutes) * 60_000,
        });
        Some(previous.unwrap_or(AdminAction::Unban { target }))
    }

    /// Lifts a ban; what puts it back (when one was in force).
    pub fn unban(&mut self, target: &BanTarget, now: u64) -> Option<AdminAction> {
        let previous = self.ban_on(target, now).map(|b| AdminAction::Ban {
            target: target.clone(),
            minutes: (b.until - now).div_ceil(60_000).max(1) as u32,
        });
        self.bans.retain(|b| &b.target != target && b.until > now);
        previous
    }

    pub fn record(
        &mut self,
        by: &str,
        action: AdminAction,
        undo: Option<AdminAction>,
        now: u64,
    ) -> AuditEntry {
        self.next_entry += 1;
        let entry = AuditEntry {
            n: self.next_entry,
            at: now,
            by: by.to_owned(),
            action,
            undo,
            undone: false,
        };
        self.audit.push(entry.clone());
        if self.audit.len() > MAX_AUDIT {
            self.audit.remove(0);
        }
        entry
    }

    /// What undoes entry `n`.
    pub fn undo_of(&self, n: u64) -> Result<AdminAction, ActError> {
        let entry = self
            .audit
            .iter()
            .find(|e| e.n == n)
            .ok_or(ActError::NoEntry(n))?;
        if entry.undone {
            return Err(ActError::AlreadyUndone(n));
        }
        let undo = entry.undo.clone().ok_or(ActError::CannotUndo(
            n,
            match entry.action {
                AdminAction::Delete { .. } => "a deleted comment is gone for good",
                _ => "it has no inverse",
            },
        ))?;
        Ok(undo)
    }

    pub fn mark_undone(&mut self, n: u64) {
        if let Some(e) = self.audit.iter_mut().find(|e| e.n == n) {
            e.undone = true;
        }
    }
}
