//! Importing history into the log: comments from the original KV layout
//! (`comment:<ts>:<id>`, read by `crate::legacy`), appended in their order with their ids and
//! timestamps. Safe to re-run: an id already in the log is skipped.

use saywhatwant_wire::{is_valid_id, parse_new_comment, Comment, MAX_TIMESTAMP};
use serde::{Deserialize, Serialize};

use super::{Log, LogStore, StoreError};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: u64,
    /// Already in the log (a re-run, or a page read twice).
    pub already: u64,
    pub refused: Vec<Refused>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub id: String,
    pub reason: String,
}

impl<S: LogStore> Log<S> {
    /// Appends a batch of older comments, keeping their timestamps.
    ///
    /// The log's order must stay the time order, so a comment older than the log's newest is
    /// refused (named in the report) unless it is already there: import before the log takes
    /// new posts (docs/api.md, "Moving an existing stream"). Comments go in the original's
    /// order: by time, then by id as its keys listed them, so a batch boundary that falls
    /// inside one millisecond changes nothing.
    pub fn import(&mut self, mut batch: Vec<Comment>) -> Result<ImportReport, StoreError> {
        batch.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.id.cmp(&b.id)));
        let mut report = ImportReport::default();
        for comment in batch {
            let refuse = |reason: &str| Refused {
                id: comment.id.chars().take(80).collect(),
                reason: reason.to_owned(),
            };
            if !is_valid_id(&comment.id) {
                report
                    .refused
                    .push(refuse("the id is not 1–64 of A–Z, a–z, 0–9, `_` and `-`"));
            } else if self.find(&comment.id)?.is_some() {
                report.already += 1;
            } else if let Err(e) = same_rules_as_a_post(&comment) {
                report.refused.push(refuse(&e));
            } else if comment.timestamp > MAX_TIMESTAMP {
                report.refused.push(refuse(
                    "the timestamp is past 9 999 999 999 999 ms (the year 2286): no clock wrote it",
                ));
            } else if comment.timestamp < self.last_ts {
                report.refused.push(refuse(
                    "older than the log's newest comment: the log already took newer posts",
                ));
            } else {
                self.commit(comment, None)?;
                report.imported += 1;
            }
        }
        Ok(report)
    }
}

/// An imported comment obeys every rule a POST does (the timestamp aside, which it keeps).
fn same_rules_as_a_post(comment: &Comment) -> Result<(), String> {
    let body = serde_json::to_vec(comment).map_err(|e| e.to_string())?;
    parse_new_comment(&body).map(drop).map_err(|e| e.message)
}
