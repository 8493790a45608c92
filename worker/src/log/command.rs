//! What the Worker asks of the log object, and what it answers: one JSON request per HTTP
//! request that needs the log. The Worker does everything that needs no shared state
//! (parsing, validation, credentials, rate limits) before it asks, so the one object only
//! sequences, stores and reads.

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, NewComment, Patch};
use serde::{Deserialize, Serialize};

use super::import::ImportReport;
use super::{Appended, Log, LogError, LogStore, Usage};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Command {
    Append {
        comment: Box<NewComment>,
        /// The domain when the body names none: the host of the request's `Origin`.
        default_domain: String,
    },
    Patch {
        id: String,
        patch: Patch,
    },
    Read {
        query: CommentsQuery,
    },
    Stats,
    Import {
        comments: Vec<Comment>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Reply {
    Appended { comment: Comment, created: bool },
    Patched { comment: Option<Comment> },
    Page { page: CommentsPage },
    Stats { total: u64 },
    Imported { report: ImportReport },
}

/// A reply and the storage rows its command cost (reported on the response, for the
/// benchmark that checks the counted-operations model against the real object).
pub struct Served {
    pub reply: Reply,
    pub usage: Usage,
    /// The entry the command created or changed: what the object pushes to open sockets.
    pub changed: Option<super::Entry>,
}

/// Runs one command against the log.
pub fn serve<S: LogStore>(
    log: &mut Log<S>,
    command: Command,
    generate_id: impl FnMut() -> String,
    now: u64,
) -> Result<Served, LogError> {
    let before = log.store().usage();
    let (reply, changed) = match command {
        Command::Append {
            comment,
            default_domain,
        } => match log.append(*comment, generate_id, &default_domain, now)? {
            Appended::Created(e) => (
                Reply::Appended {
                    comment: e.comment.clone(),
                    created: true,
                },
                Some(e),
            ),
            Appended::Existing(e) => (
                Reply::Appended {
                    comment: e.comment,
                    created: false,
                },
                None,
            ),
        },
        Command::Patch { id, patch } => {
            let entry = log.patch(&id, patch)?;
            (
                Reply::Patched {
                    comment: entry.as_ref().map(|e| e.comment.clone()),
                },
                entry,
            )
        }
        Command::Read { query } => (
            Reply::Page {
                page: log.read(&query)?,
            },
            None,
        ),
        Command::Stats => (Reply::Stats { total: log.total() }, None),
        Command::Import { comments } => (
            Reply::Imported {
                report: log.import(comments)?,
            },
            None,
        ),
    };
    Ok(Served {
        reply,
        usage: log.store().usage() - before,
        changed,
    })
}
