//! What the Worker asks of the log object, and what it answers: one JSON request per HTTP
//! request that needs the log. The Worker does everything that needs no shared state
//! (parsing, validation, credentials, rate limits) before it asks, so the one object only
//! sequences, stores and reads.

use saywhatwant_wire::moderation::{AdminAction, AuditEntry, ModerationState, Refusal};
use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, NewComment, Patch};
use serde::{Deserialize, Serialize};

use super::import::ImportReport;
use super::live::{self, Opening};
use super::{ActError, Appended, Change, Log, LogError, LogStore, Usage};
use crate::relay::Round;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Command {
    Append {
        comment: Box<NewComment>,
        /// The domain when the body names none: the host of the request's `Origin`.
        default_domain: String,
        /// The sender's network label; `None` for bots, which the operator's rules exempt.
        #[serde(default)]
        network: Option<String>,
    },
    /// A reader reports a comment to the operator.
    Report {
        id: String,
        reason: String,
        network: String,
    },
    /// An operator action (checked by the Worker: the admin credential, a parsed action).
    Act {
        action: AdminAction,
        by: String,
    },
    Moderation,
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
    /// A relay's socket opened with `query`: what it is sent first. The relay is registered
    /// for rounds by the object (`cloudflare/object.rs`) in the same turn.
    Join {
        relay: String,
        query: CommentsQuery,
    },
    /// A relay missed rounds: every comment after `after` and what was taken down since.
    Since {
        after: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Reply {
    Appended {
        comment: Comment,
        created: bool,
    },
    Refused {
        refusal: Refusal,
    },
    Reported {
        found: bool,
    },
    Acted {
        entry: AuditEntry,
    },
    /// The action could not be done: `missing` (404) or in conflict with the state (409).
    NotActed {
        missing: bool,
        error: String,
    },
    Moderation {
        state: Box<ModerationState>,
    },
    Patched {
        comment: Option<Comment>,
    },
    Page {
        page: CommentsPage,
    },
    Stats {
        total: u64,
    },
    Imported {
        report: ImportReport,
    },
    /// The socket's first frames; the last one's cursor is `head`. `online`: readers online,
    /// as the log knows it (the object adds it).
    Joined {
        frames: Vec<CommentsPage>,
        head: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        online: Option<u64>,
    },
    /// Too far behind for a socket (or a relay): catch up by polling.
    Behind,
    Since {
        round: Round,
    },
}

/// A reply and the storage rows its command cost (reported on the response, for the
/// benchmark that checks the counted-operations model against the real object).
pub struct Served {
    pub reply: Reply,
    pub usage: Usage,
    /// What the command changed, in order: what the object pushes to open sockets.
    pub changed: Vec<Change>,
}

/// Runs one command against the log.
pub fn serve<S: LogStore>(
    log: &mut Log<S>,
    command: Command,
    generate_id: impl FnMut() -> String,
    now: u64,
) -> Result<Served, LogError> {
    let before = log.store().usage();
    // A bot's reply closes the comment it answers in the same commit (issue 16): no PATCH,
    // no second request, nothing between the two for another bot to see.
    let mut answered: Option<Change> = None;
    let (reply, changed) = match command {
        Command::Append {
            comment,
            default_domain,
            network,
        } => match log.append_from(
            *comment,
            generate_id,
            &default_domain,
            now,
            network.as_deref(),
        )? {
            Appended::Created(e) => {
                if network.is_none() {
                    if let Some(original) = &e.comment.reply_to {
                        answered = log
                            .mark_answered(original)?
                            .map(|o| Change::Comment(Box::new(o)));
                    }
                }
                (
                    Reply::Appended {
                        comment: e.comment.clone(),
                        created: true,
                    },
                    Some(Change::Comment(Box::new(e))),
                )
            }
            Appended::Refused(refusal) => (Reply::Refused { refusal }, None),
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
                entry.map(|e| Change::Comment(Box::new(e))),
            )
        }
        Command::Report {
            id,
            reason,
            network,
        } => (
            Reply::Reported {
                found: log.report(&id, reason, &network, now)?,
            },
            None,
        ),
        Command::Act { action, by } => match log.act(action, &by, now) {
            Ok(acted) => (Reply::Acted { entry: acted.entry }, acted.change),
            Err(ActError::Store(e)) => return Err(e.into()),
            Err(e) => (
                Reply::NotActed {
                    missing: matches!(
                        e,
                        ActError::NotFound(_) | ActError::NoReport(_) | ActError::NoEntry(_)
                    ),
                    error: e.to_string(),
                },
                None,
            ),
        },
        Command::Moderation => (
            Reply::Moderation {
                state: Box::new(log.moderation_state(now)?),
            },
            None,
        ),
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
        Command::Join { query, .. } => match live::open(log, &query)? {
            Opening::Frames(frames) => (
                Reply::Joined {
                    frames,
                    head: log.head(),
                    online: None,
                },
                None,
            ),
            Opening::TooFarBehind => (Reply::Behind, None),
        },
        Command::Since { after } => match live::since(log, after)? {
            Some(round) => (Reply::Since { round }, None),
            None => (Reply::Behind, None),
        },
    };
    Ok(Served {
        reply,
        usage: log.store().usage() - before,
        changed: changed.into_iter().chain(answered).collect(),
    })
}
