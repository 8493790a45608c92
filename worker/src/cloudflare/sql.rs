//! The log's storage in production: the Durable Object's own SQLite database
//! (`state.storage().sql()`). One table, the sequence as its primary key, and an index for
//! each way a read filters, so every statement reads only the rows it returns. The counts of
//! rows read and written come from SQLite itself (`rowsRead`/`rowsWritten`), as billed.

use std::cell::Cell;

use saywhatwant_wire::{Comment, MAX_SEQ};
use serde::Deserialize;
use worker::{SqlCursor, SqlStorage, SqlStorageValue};

use crate::log::{Direction, Entry, Filter, LogStore, StoreError, Usage};

/// Run when the object starts; every statement is idempotent.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS comments (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        domain TEXT NOT NULL,
        body TEXT NOT NULL
    )",
    // Legacy `<ms>` cursors: the last comment at or before a time.
    "CREATE INDEX IF NOT EXISTS comments_by_ts ON comments (ts)",
    "CREATE INDEX IF NOT EXISTS comments_by_type ON comments (type, seq)",
    "CREATE INDEX IF NOT EXISTS comments_by_domain ON comments (domain, seq)",
];

pub struct SqlStore {
    sql: SqlStorage,
    usage: Cell<Usage>,
}

fn store_error(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

/// Sequence numbers and times are whole numbers below 2^53, so JavaScript carries them exactly.
fn int(n: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(n.min(MAX_SEQ) as i64)
}

#[derive(Deserialize)]
struct Row {
    seq: u64,
    body: String,
}

impl Row {
    fn entry(self) -> Result<Entry, StoreError> {
        let comment: Comment = serde_json::from_str(&self.body)
            .map_err(|e| StoreError(format!("row {} does not hold a comment: {e}", self.seq)))?;
        Ok(Entry {
            seq: self.seq,
            comment,
        })
    }
}

impl SqlStore {
    pub fn open(sql: SqlStorage) -> Result<Self, StoreError> {
        for statement in SCHEMA {
            sql.exec(statement, None).map_err(store_error)?;
        }
        Ok(SqlStore {
            sql,
            usage: Cell::new(Usage::default()),
        })
    }

    fn exec(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<SqlCursor, StoreError> {
        self.sql.exec(query, bindings).map_err(store_error)
    }

    /// Counts what a finished cursor read and wrote.
    fn count(&self, cursor: &SqlCursor) {
        let mut u = self.usage.get();
        u.rows_read += cursor.rows_read() as u64;
        u.rows_written += cursor.rows_written() as u64;
        self.usage.set(u);
    }

    fn rows<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Result<Vec<T>, StoreError> {
        let cursor = self.exec(query, bindings)?;
        let rows = cursor.to_array().map_err(store_error)?;
        self.count(&cursor);
        Ok(rows)
    }

    fn entries(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Result<Vec<Entry>, StoreError> {
        self.rows::<Row>(query, bindings)?
            .into_iter()
            .map(Row::entry)
            .collect()
    }
}

fn body(comment: &Comment) -> Result<SqlStorageValue, StoreError> {
    serde_json::to_string(comment)
        .map(SqlStorageValue::from)
        .map_err(store_error)
}

impl LogStore for SqlStore {
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError> {
        #[derive(Deserialize)]
        struct Head {
            seq: u64,
            ts: u64,
        }
        Ok(self
            .rows::<Head>(
                "SELECT seq, ts FROM comments ORDER BY seq DESC LIMIT 1",
                vec![],
            )?
            .first()
            .map(|h| (h.seq, h.ts)))
    }

    fn insert(&self, entry: &Entry) -> Result<(), StoreError> {
        let c = &entry.comment;
        let cursor = self.exec(
            "INSERT INTO comments (seq, id, ts, type, domain, body) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                int(entry.seq),
                c.id.as_str().into(),
                int(c.timestamp),
                c.message_type.as_str().into(),
                c.domain.as_str().into(),
                body(c)?,
            ],
        )?;
        self.count(&cursor);
        Ok(())
    }

    fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        let cursor = self.exec(
            "UPDATE comments SET body = ? WHERE seq = ?",
            vec![body(&entry.comment)?, int(entry.seq)],
        )?;
        self.count(&cursor);
        Ok(())
    }

    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        Ok(self
            .entries(
                "SELECT seq, body FROM comments WHERE id = ?",
                vec![id.into()],
            )?
            .pop())
    }

    fn range(
        &self,
        filter: &Filter,
        after: u64,
        before: u64,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        if after.saturating_add(1) >= before || limit == 0 {
            return Ok(Vec::new());
        }
        let mut query = String::from("SELECT seq, body FROM comments WHERE seq > ? AND seq < ?");
        let mut bindings = vec![int(after), int(before)];
        if let Some(t) = filter.message_type {
            query.push_str(" AND type = ?");
            bindings.push(t.as_str().into());
        }
        if let Some(d) = &filter.domain {
            query.push_str(" AND domain = ?");
            bindings.push(d.as_str().into());
        }
        query.push_str(match direction {
            Direction::OldestFirst => " ORDER BY seq ASC LIMIT ?",
            Direction::NewestFirst => " ORDER BY seq DESC LIMIT ?",
        });
        bindings.push(int(limit as u64));
        self.entries(&query, bindings)
    }

    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Seq {
            seq: u64,
        }
        let query = if strict {
            "SELECT seq FROM comments WHERE ts < ? ORDER BY ts DESC, seq DESC LIMIT 1"
        } else {
            "SELECT seq FROM comments WHERE ts <= ? ORDER BY ts DESC, seq DESC LIMIT 1"
        };
        Ok(self
            .rows::<Seq>(query, vec![int(ts)])?
            .first()
            .map_or(0, |s| s.seq))
    }

    fn usage(&self) -> Usage {
        self.usage.get()
    }
}
