//! The log's storage in production: the Durable Object's own SQLite database
//! (`state.storage().sql()`). One table, the sequence as its primary key, and an index for
//! each way a read filters, so every statement reads only the rows it returns. The counts of
//! rows read and written come from SQLite itself (`rowsRead`/`rowsWritten`), as billed.

use std::cell::Cell;

use saywhatwant_wire::{Comment, MAX_SEQ};
use serde::Deserialize;
use worker::{SqlCursor, SqlStorage, SqlStorageValue};

use crate::log::{Direction, Entry, Filter, LogStore, Removal, StoreError, Usage};

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
    // What the operator took down: hidden ones keep their body for a restore, deleted ones
    // keep only the id (readers still need to hear of it).
    "CREATE TABLE IF NOT EXISTS removals (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        at_head INTEGER NOT NULL,
        at INTEGER NOT NULL,
        body TEXT
    )",
    "CREATE INDEX IF NOT EXISTS removals_by_head ON removals (at_head)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/// Added after the first release: the network label of each comment (never served; bans by
/// author read it). In the same row, so an insert writes no more rows.
const ADD_NETWORK: &str = "ALTER TABLE comments ADD COLUMN network TEXT";

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

#[derive(Deserialize)]
struct RemovalRow {
    id: String,
    seq: u64,
    at_head: u64,
    at: u64,
    body: Option<String>,
}

impl RemovalRow {
    fn removal(self) -> Result<Removal, StoreError> {
        let kept = match self.body {
            Some(b) => Some(serde_json::from_str(&b).map_err(|e| {
                StoreError(format!("removal {} does not hold a comment: {e}", self.id))
            })?),
            None => None,
        };
        Ok(Removal {
            id: self.id,
            seq: self.seq,
            at_head: self.at_head,
            at: self.at,
            kept,
        })
    }
}

impl SqlStore {
    /// The database's size in bytes, as billed for storage.
    pub fn size(&self) -> u64 {
        self.sql.database_size() as u64
    }

    pub fn open(sql: SqlStorage) -> Result<Self, StoreError> {
        for statement in SCHEMA {
            sql.exec(statement, None).map_err(store_error)?;
        }
        // SQLite has no ADD COLUMN IF NOT EXISTS: a "duplicate column" error means it is there.
        if let Err(e) = sql.exec(ADD_NETWORK, None) {
            if !e.to_string().contains("duplicate column") {
                return Err(store_error(e));
            }
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
        let row = self
            .rows::<Head>(
                "SELECT seq, ts FROM comments ORDER BY seq DESC LIMIT 1",
                vec![],
            )?
            .first()
            .map(|h| (h.seq, h.ts));
        // A taken-down comment may have been the newest: its seq is still used.
        let removed = self
            .rows::<Head>(
                "SELECT seq, at AS ts FROM removals ORDER BY seq DESC LIMIT 1",
                vec![],
            )?
            .first()
            .map(|h| h.seq);
        Ok(match (row, removed) {
            (Some((seq, ts)), Some(r)) => Some((seq.max(r), ts)),
            (None, Some(r)) => Some((r, 0)),
            (row, None) => row,
        })
    }

    fn insert(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError> {
        let c = &entry.comment;
        let cursor = self.exec(
            "INSERT INTO comments (seq, id, ts, type, domain, body, network) VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                int(entry.seq),
                c.id.as_str().into(),
                int(c.timestamp),
                c.message_type.as_str().into(),
                c.domain.as_str().into(),
                body(c)?,
                network.map_or(SqlStorageValue::Null, SqlStorageValue::from),
            ],
        )?;
        self.count(&cursor);
        Ok(())
    }

    fn network_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        #[derive(Deserialize)]
        struct Net {
            network: Option<String>,
        }
        Ok(self
            .rows::<Net>("SELECT network FROM comments WHERE id = ?", vec![id.into()])?
            .pop()
            .and_then(|n| n.network))
    }

    fn take_down(&self, entry: &Entry, removal: &Removal) -> Result<(), StoreError> {
        let kept = match &removal.kept {
            Some(c) => body(c)?,
            None => SqlStorageValue::Null,
        };
        let cursor = self.exec(
            "INSERT OR REPLACE INTO removals (id, seq, at_head, at, body) VALUES (?, ?, ?, ?, ?)",
            vec![
                removal.id.as_str().into(),
                int(removal.seq),
                int(removal.at_head),
                int(removal.at),
                kept,
            ],
        )?;
        self.count(&cursor);
        let cursor = self.exec("DELETE FROM comments WHERE seq = ?", vec![int(entry.seq)])?;
        self.count(&cursor);
        Ok(())
    }

    fn removal(&self, id: &str) -> Result<Option<Removal>, StoreError> {
        self.rows::<RemovalRow>(
            "SELECT id, seq, at_head, at, body FROM removals WHERE id = ?",
            vec![id.into()],
        )?
        .pop()
        .map(RemovalRow::removal)
        .transpose()
    }

    fn put_back(&self, entry: &Entry) -> Result<(), StoreError> {
        // The network label is not kept with a removal: a restored comment has none.
        self.insert(entry, None)?;
        let cursor = self.exec(
            "DELETE FROM removals WHERE id = ?",
            vec![entry.comment.id.as_str().into()],
        )?;
        self.count(&cursor);
        Ok(())
    }

    fn forget(&self, id: &str) -> Result<(), StoreError> {
        let cursor = self.exec(
            "UPDATE removals SET body = NULL WHERE id = ?",
            vec![id.into()],
        )?;
        self.count(&cursor);
        Ok(())
    }

    fn removals(&self, from: u64, limit: usize) -> Result<Vec<Removal>, StoreError> {
        self.rows::<RemovalRow>(
            "SELECT id, seq, at_head, at, NULL AS body FROM removals WHERE at_head >= ? ORDER BY at_head DESC, at DESC LIMIT ?",
            vec![int(from), int(limit as u64)],
        )?
        .into_iter()
        .map(RemovalRow::removal)
        .collect()
    }

    fn hidden(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.entries(
            "SELECT seq, body FROM removals WHERE body IS NOT NULL ORDER BY at DESC LIMIT ?",
            vec![int(limit as u64)],
        )
    }

    fn prune(&self, before: u64, limit: usize) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Seq {
            #[allow(dead_code)]
            seq: u64,
        }
        let gone = self.rows::<Seq>(
            "DELETE FROM comments WHERE seq IN (SELECT seq FROM comments WHERE seq < ? ORDER BY seq LIMIT ?) RETURNING seq",
            vec![int(before), int(limit as u64)],
        )?;
        Ok(gone.len() as u64)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        #[derive(Deserialize)]
        struct Meta {
            value: String,
        }
        Ok(self
            .rows::<Meta>("SELECT value FROM meta WHERE key = ?", vec![key.into()])?
            .pop()
            .map(|m| m.value))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let cursor = self.exec(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            vec![key.into(), value.into()],
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
