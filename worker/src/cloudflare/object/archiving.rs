//! The log object's side of the archive (`log/archive.rs`): reads that need archived
//! blocks, moving the oldest hot block out, and retention of archived blocks.

use saywhatwant_wire::CommentsQuery;
use worker::{Response, Result};

use super::{failure, log_failure, CommentLog, EXPIRE_BATCH, ROWS_HEADER};
use crate::cloudflare::archive::R2Archive;
use crate::log::archive::{BlockRef, DEFAULT_HOT_COMMENTS};
use crate::log::command::Reply;
use crate::log::LogStore;

impl CommentLog {
    /// Answers a read from archived blocks (`log/archive.rs`): at most `BLOCKS_PER_READ` gets.
    pub(super) async fn read_archive(
        &self,
        query: &CommentsQuery,
        from: u64,
        refs: Vec<BlockRef>,
    ) -> Result<Response> {
        let Some(archive) = R2Archive::of(&self.env) else {
            return failure(
                503,
                "storage_unavailable",
                "the log has archived comments but no ARCHIVE bucket is bound".into(),
            );
        };
        let fetched = futures::future::join_all(refs.iter().map(|r| archive.get(r.block))).await;
        let mut blocks = Vec::with_capacity(fetched.len());
        for b in fetched {
            match b {
                Ok(b) => blocks.push(b),
                Err(e) => return failure(503, "storage_unavailable", e.to_string()),
            }
        }
        let served = match self.log() {
            Ok(mut log) => {
                let before = log.store().usage();
                log.read_archived(query, from, blocks)
                    .map(|page| (page, log.store().usage() - before))
            }
            Err(e) => return failure(503, "storage_unavailable", e.to_string()),
        };
        let (page, usage) = match served {
            Ok(s) => s,
            Err(e) => return log_failure(e),
        };
        let response = Response::from_json(&Reply::Page { page })?;
        response.headers().set(
            ROWS_HEADER,
            &format!("read={}, written={}", usage.rows_read, usage.rows_written),
        )?;
        Ok(response)
    }

    /// Moves the oldest hot block to the archive when the hot rows hold more than
    /// `HOT_COMMENTS` past it: one block per alarm. Whether one moved.
    pub(super) async fn archive_step(&self) -> bool {
        let Some(archive) = R2Archive::of(&self.env) else {
            return false;
        };
        let hot = self
            .env
            .var("HOT_COMMENTS")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(DEFAULT_HOT_COMMENTS);
        let due = match self.log().map(|mut log| log.archive_due(hot)) {
            Ok(Ok(Some(block))) => block,
            Ok(Ok(None)) => return false,
            Ok(Err(e)) => {
                worker::console_warn!("archiving: {e}");
                return false;
            }
            Err(e) => {
                worker::console_warn!("archiving: {e}");
                return false;
            }
        };
        if let Err(e) = archive.put(&due).await {
            worker::console_warn!("archiving block {}: {e}", due.block);
            return false;
        }
        match self.log().map(|mut log| log.archived(&due)) {
            Ok(Ok(moved)) => {
                if !moved {
                    worker::console_log!("block {} changed while archived: again", due.block);
                }
                true
            }
            Ok(Err(e)) => {
                worker::console_warn!("archiving block {}: {e}", due.block);
                false
            }
            Err(e) => {
                worker::console_warn!("archiving block {}: {e}", due.block);
                false
            }
        }
    }

    /// Retention past the hot rows: archived blocks wholly older than the rule keeps leave
    /// the bucket, a few per alarm.
    pub(super) async fn expire_blocks(&self) {
        let Some(archive) = R2Archive::of(&self.env) else {
            return;
        };
        let expired = match self.log().map(|mut log| log.expired_blocks(EXPIRE_BATCH)) {
            Ok(Ok(blocks)) => blocks,
            Ok(Err(e)) => return worker::console_warn!("retention of the archive: {e}"),
            Err(e) => return worker::console_warn!("retention of the archive: {e}"),
        };
        let mut gone = Vec::with_capacity(expired.len());
        for b in expired {
            match archive.delete(b.block).await {
                Ok(()) => gone.push(b),
                Err(e) => {
                    worker::console_warn!("retention of block {}: {e}", b.block);
                    break;
                }
            }
        }
        if let Ok(Err(e)) = self.log().map(|mut log| log.forget_blocks(&gone)) {
            worker::console_warn!("retention of the archive: {e}");
        }
    }
}
