//! The operator's actions on the log: taking comments down (an event every reader learns of,
//! live or when it next catches up), restoring them, bans and rules, reports, retention, and
//! the state the operator page shows. Each action is one command of the object, so it runs
//! without yielding: no post can fall between a ban and the next admission check.

use saywhatwant_wire::moderation::{
    AdminAction, BanTarget, Figures, ModerationState, ReportedComment, RECENT_REMOVALS,
};
use saywhatwant_wire::Comment;

use super::moderation::{ActError, Acted, Change, Moderation};
use super::{Entry, Log, LogStore, Removal, StoreError};

/// A catch-up read carries at most this many removed ids (older ones are in no reader's
/// recent history; a page that far behind reloads through the bulk load).
const MAX_REMOVED_PER_READ: usize = 1_000;
/// Reports and hidden comments the operator page is sent at once.
const STATE_REPORTS: usize = 100;
const STATE_HIDDEN: usize = 50;

/// Whether a window of the newest removals (newest first) holds every one a reader at `from`
/// needs: it is not full (it holds them all), or it reaches back past `from`.
pub fn window_reaches(window: &[(String, u64)], from: u64) -> bool {
    window.len() < RECENT_REMOVALS || window.last().is_some_and(|(_, at)| *at < from)
}

/// A rule replaced: recorded as set, undone by setting the value it replaced.
fn rule(set: AdminAction, before: AdminAction) -> Done {
    Done {
        recorded: set,
        undo: Some(before),
        change: None,
    }
}

/// What one action did, before it is recorded.
struct Done {
    recorded: AdminAction,
    undo: Option<AdminAction>,
    change: Option<Change>,
}

impl<S: LogStore> Log<S> {
    pub(super) fn moderation(&mut self) -> Result<&mut Moderation, StoreError> {
        Ok(&mut self.moderation)
    }

    pub(super) fn save_moderation(&mut self) -> Result<(), StoreError> {
        self.moderation.save(&self.store)
    }

    /// The newest removals, newest first (one read after each start).
    fn removal_window(&mut self) -> Result<&Vec<(String, u64)>, StoreError> {
        if self.removals.is_none() {
            let recent = self.store.removals(0, RECENT_REMOVALS)?;
            self.removals = Some(recent.into_iter().map(|r| (r.id, r.at_head)).collect());
        }
        Ok(self.removals.get_or_insert_with(Vec::new))
    }

    /// The newest removals as `(id, at_head)`, newest first (for the recent view).
    pub fn removal_window_pairs(&mut self) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(self.removal_window()?.clone())
    }

    /// Ids taken down that a reader at `from` may hold.
    pub(super) fn removed_since(&mut self, from: u64) -> Result<Vec<String>, StoreError> {
        let window = self.removal_window()?;
        if window_reaches(window, from) {
            return Ok(window
                .iter()
                .filter(|(_, at)| *at >= from)
                .map(|(id, _)| id.clone())
                .collect());
        }
        Ok(self
            .store
            .removals(from, MAX_REMOVED_PER_READ)?
            .into_iter()
            .map(|r| r.id)
            .collect())
    }

    /// The newest removals, for first loads: a page drops them from what it kept.
    pub(super) fn recent_removals(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .removal_window()?
            .iter()
            .map(|(id, _)| id.clone())
            .collect())
    }

    fn take_down(&mut self, entry: Entry, keep: bool, now: u64) -> Result<(), StoreError> {
        let id = entry.comment.id.clone();
        let removal = Removal {
            id: id.clone(),
            seq: entry.seq,
            at_head: self.head,
            at: now,
            kept: keep.then(|| entry.comment.clone()),
        };
        self.store.take_down(&entry, &removal)?;
        if let Some(tail) = &mut self.tail {
            tail.remove(entry.seq);
        }
        if let Some(window) = &mut self.removals {
            window.retain(|(i, _)| *i != id);
            window.insert(0, (id.clone(), self.head));
            window.truncate(RECENT_REMOVALS);
        }
        let m = self.moderation()?;
        m.removed += 1;
        m.clear_reports(&id);
        Ok(())
    }

    /// A reader reports a comment; `false` when no comment has the id.
    pub fn report(
        &mut self,
        id: &str,
        reason: String,
        network: &str,
        now: u64,
    ) -> Result<bool, StoreError> {
        if self.find(id)?.is_none() {
            return Ok(false);
        }
        self.moderation()?.report(id, reason, network, now);
        self.save_moderation()?;
        Ok(true)
    }

    /// Does an operator action and records it (who, what, when, and what undoes it).
    pub fn act(&mut self, action: AdminAction, by: &str, now: u64) -> Result<Acted, ActError> {
        let done = match action {
            AdminAction::Undo { entry } => {
                let undo = self.moderation()?.undo_of(entry)?;
                let done = self.apply(undo, now)?;
                self.moderation()?.mark_undone(entry);
                Done {
                    recorded: AdminAction::Undo { entry },
                    undo: None,
                    change: done.change,
                }
            }
            other => self.apply(other, now)?,
        };
        let entry = self.moderation()?.record(by, done.recorded, done.undo, now);
        self.save_moderation()?;
        Ok(Acted {
            entry,
            change: done.change,
        })
    }

    fn resolve(&mut self, target: BanTarget) -> Result<BanTarget, ActError> {
        match target {
            BanTarget::AuthorOf(id) => match self.store.network_of(&id)? {
                Some(net) => Ok(BanTarget::Network(net)),
                None if self.find(&id)?.is_none() => Err(ActError::NotFound(id)),
                None => Err(ActError::NoNetwork(id)),
            },
            other => Ok(other),
        }
    }

    fn apply(&mut self, action: AdminAction, now: u64) -> Result<Done, ActError> {
        let plain = |recorded: AdminAction, undo: Option<AdminAction>| Done {
            recorded,
            undo,
            change: None,
        };
        Ok(match action {
            AdminAction::Hide { id } => {
                let entry = self.find(&id)?.ok_or(ActError::NotFound(id.clone()))?;
                self.take_down(entry, true, now)?;
                Done {
                    recorded: AdminAction::Hide { id: id.clone() },
                    undo: Some(AdminAction::Restore { id: id.clone() }),
                    change: Some(Change::Removed(id)),
                }
            }
            AdminAction::Delete { id } => match self.find(&id)? {
                Some(entry) => {
                    self.take_down(entry, false, now)?;
                    Done {
                        recorded: AdminAction::Delete { id: id.clone() },
                        undo: None,
                        change: Some(Change::Removed(id)),
                    }
                }
                // Hidden already: readers dropped it then; only its text goes now.
                None => match self.store.removal(&id)? {
                    Some(r) if r.kept.is_some() => {
                        self.store.forget(&id)?;
                        plain(AdminAction::Delete { id }, None)
                    }
                    _ => return Err(ActError::NotFound(id)),
                },
            },
            AdminAction::Restore { id } => {
                let removal = self.store.removal(&id)?;
                let Some(comment) = removal.and_then(|r| r.kept) else {
                    return Err(ActError::NotHidden(id));
                };
                // Back under a new number, so every reader gets it the way it gets any new
                // comment, polls from a cursor included; its old number stays a gap. (Its time
                // is kept, so pages still show it where it was.)
                let entry = Entry {
                    seq: self.head + 1,
                    comment,
                };
                self.store.put_back(&entry)?;
                self.head = entry.seq;
                if let Some(tail) = &mut self.tail {
                    tail.push(entry.clone());
                }
                if let Some(window) = &mut self.removals {
                    window.retain(|(i, _)| *i != id);
                }
                Done {
                    recorded: AdminAction::Restore { id: id.clone() },
                    undo: Some(AdminAction::Hide { id }),
                    change: Some(Change::Comment(Box::new(entry))),
                }
            }
            AdminAction::Ban { target, minutes } => {
                let target = self.resolve(target)?;
                let undo = self.moderation()?.ban(target.clone(), minutes, now);
                plain(AdminAction::Ban { target, minutes }, undo)
            }
            AdminAction::Unban { target } => {
                let target = self.resolve(target)?;
                let undo = self.moderation()?.unban(&target, now);
                plain(AdminAction::Unban { target }, undo)
            }
            AdminAction::BlockWords { words } => {
                let rules = &mut self.moderation()?.rules;
                let before = std::mem::replace(&mut rules.blocked_words, words.clone());
                rule(
                    AdminAction::BlockWords { words },
                    AdminAction::BlockWords { words: before },
                )
            }
            AdminAction::BlockLinks { domains } => {
                let rules = &mut self.moderation()?.rules;
                let before = std::mem::replace(&mut rules.blocked_links, domains.clone());
                rule(
                    AdminAction::BlockLinks { domains },
                    AdminAction::BlockLinks { domains: before },
                )
            }
            AdminAction::SlowMode { seconds } => {
                let rules = &mut self.moderation()?.rules;
                let before = std::mem::replace(&mut rules.slow_mode_seconds, seconds);
                rule(
                    AdminAction::SlowMode { seconds },
                    AdminAction::SlowMode { seconds: before },
                )
            }
            AdminAction::Retention { keep } => {
                let rules = &mut self.moderation()?.rules;
                let before = std::mem::replace(&mut rules.keep_comments, keep);
                rule(
                    AdminAction::Retention { keep },
                    AdminAction::Retention { keep: before },
                )
            }
            AdminAction::DismissReport { id } => {
                if !self.moderation()?.clear_reports(&id) {
                    return Err(ActError::NoReport(id));
                }
                plain(AdminAction::DismissReport { id }, None)
            }
            // An undo of an undo: the first one has no inverse recorded.
            AdminAction::Undo { entry } => return Err(ActError::CannotUndo(entry, "nested")),
        })
    }

    /// Retention: deletes up to `limit` of the oldest comments beyond the rule's count. Run in
    /// small batches from the object's alarm, so no write waits long behind it.
    pub fn prune(&mut self, limit: usize) -> Result<u64, StoreError> {
        let keep = self.moderation()?.rules.keep_comments;
        if self.total() <= keep {
            return Ok(0);
        }
        let before = self.head.saturating_sub(keep) + 1;
        let gone = self.store.prune(before, limit)?;
        if gone > 0 {
            if let Some(tail) = &mut self.tail {
                tail.drop_before(before);
            }
            self.moderation()?.pruned += gone;
            self.save_moderation()?;
        }
        Ok(gone)
    }

    /// What the operator page shows; the object adds its sockets, memory and storage size.
    pub fn moderation_state(&mut self, now: u64) -> Result<ModerationState, StoreError> {
        let total = self.total();
        let queue = self.moderation()?.queue(STATE_REPORTS);
        let mut reports = Vec::with_capacity(queue.len());
        for report in queue {
            let comment = self.find(&report.comment_id)?.map(|e| e.comment);
            reports.push(ReportedComment { report, comment });
        }
        let hidden: Vec<Comment> = self
            .store
            .hidden(STATE_HIDDEN)?
            .into_iter()
            .map(|e| e.comment)
            .collect();
        let (tail_comments, tail_bytes) = (self.tail_len(), self.tail_bytes());
        let m = self.moderation()?;
        Ok(ModerationState {
            rules: m.rules.clone(),
            bans: m.bans.iter().filter(|b| b.until > now).cloned().collect(),
            reports,
            audit: m.audit.iter().rev().cloned().collect(),
            hidden,
            figures: Figures {
                comments: total,
                removed: m.removed,
                tail_comments: tail_comments.unwrap_or(0) as u64,
                tail_bytes: tail_bytes.unwrap_or(0) as u64,
                ..Figures::default()
            },
        })
    }
}
