//! The archive in production: an R2 bucket (`ARCHIVE`), one JSON object per block of
//! comments (`log/archive.rs` says what a block is and when one moves).
//!
//! Platform calls and why:
//! - `bucket.put`: one Class A operation per 1 000 comments. R2 is strongly consistent for a
//!   read after a write, so a block is readable as soon as the put answers, before the log
//!   drops its rows.
//! - `bucket.get`: one Class B operation per block a history read needs (at most
//!   `BLOCKS_PER_READ`), from the object that owns the log; no listing, since the log's own
//!   `archive` table names the blocks.
//! - `bucket.delete`: retention, a whole block at a time (Class A operations are free for
//!   deletes).

use worker::{Bucket, Env};

use crate::log::archive::{key, Block};

pub const ARCHIVE_BINDING: &str = "ARCHIVE";

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive bucket: {0}")]
    Bucket(String),
    #[error("archived block {0} is missing from the bucket")]
    Missing(u64),
    #[error("archived block {0} is not a block: {1}")]
    Corrupt(u64, String),
}

fn bucket_error(e: worker::Error) -> ArchiveError {
    ArchiveError::Bucket(e.to_string())
}

pub struct R2Archive(Bucket);

impl R2Archive {
    /// `None` when the deploy has no `ARCHIVE` bucket: the log then keeps every comment hot.
    pub fn of(env: &Env) -> Option<Self> {
        env.bucket(ARCHIVE_BINDING).ok().map(R2Archive)
    }

    pub async fn put(&self, block: &Block) -> Result<(), ArchiveError> {
        let body = serde_json::to_vec(block)
            .map_err(|e| ArchiveError::Corrupt(block.block, e.to_string()))?;
        self.0
            .put(key(block.block), body)
            .execute()
            .await
            .map_err(bucket_error)?;
        Ok(())
    }

    /// Retention: the block is past the operator's rule.
    pub async fn delete(&self, n: u64) -> Result<(), ArchiveError> {
        self.0.delete(key(n)).await.map_err(bucket_error)
    }

    pub async fn get(&self, n: u64) -> Result<Block, ArchiveError> {
        let object = self
            .0
            .get(key(n))
            .execute()
            .await
            .map_err(bucket_error)?
            .ok_or(ArchiveError::Missing(n))?;
        let body = object.body().ok_or(ArchiveError::Missing(n))?;
        let bytes = body.bytes().await.map_err(bucket_error)?;
        serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Corrupt(n, e.to_string()))
    }
}
