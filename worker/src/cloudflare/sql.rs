//! The log's storage in production: the Durable Object's own SQLite database
//! (`state.storage().sql()`). The counts of rows read and written come from SQLite itself
//! (`rowsRead`/`rowsWritten`), as billed.
//!
//! One row per comment and nothing more (issue 16): Cloudflare bills every index entry as a row
//! written, so the tables have no index but the sequence, and lookups by id, by time and by
//! filter go through [`Index`], kept in memory. The hot rows are split into one table per
//! [`BLOCK`] of seqs (`seg_<n>`), so moving a block to the archive is a `DROP TABLE`, billed as
//! no row written (measured in workerd: a `DELETE` of the same rows bills one each).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use saywhatwant_wire::{Comment, MessageType, MAX_SEQ};
use serde::Deserialize;
use worker::{SqlCursor, SqlStorage, SqlStorageValue};

use crate::log::archive::{block_end, block_of, BlockRef, BLOCK};
use crate::log::index::Index;
use crate::log::{Direction, Entry, Filter, LogStore, Removal, StoreError, Usage};

/// Run when the object starts; every statement is idempotent.
const SCHEMA: &[&str] = &[
    // What the operator took down: hidden ones keep their body for a restore, deleted ones
    // keep only the id (readers still need to hear of it). Rare, so it keeps its index.
    "CREATE TABLE IF NOT EXISTS removals (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        at_head INTEGER NOT NULL,
        at INTEGER NOT NULL,
        body TEXT
    )",
    "CREATE INDEX IF NOT EXISTS removals_by_head ON removals (at_head)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // One row per archived block (`log/archive.rs`).
    "CREATE TABLE IF NOT EXISTS archive (
        block INTEGER PRIMARY KEY,
        count INTEGER NOT NULL,
        first_ts INTEGER NOT NULL,
        last_ts INTEGER NOT NULL
    )",
];

/// The columns of a hot table; `network` is the sender's label (never served; bans by author
/// read it).
const SEGMENT_COLUMNS: &str = "seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ts INTEGER NOT NULL,
    type TEXT NOT NULL, domain TEXT NOT NULL, body TEXT NOT NULL, network TEXT";

fn segment(n: u64) -> String {
    format!("seg_{n}")
}

pub struct SqlStore {
    sql: SqlStorage,
    usage: Cell<Usage>,
    /// The hot tables there are, by block number.
    segments: RefCell<BTreeSet<u64>>,
    /// Built on the first lookup that needs it (`None` until then).
    index: RefCell<Option<Index>>,
    /// 1 past the newest archived block: read at open, moved by each archiving.
    hot_floor: Cell<u64>,
}

fn store_error(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

/// Sequence numbers and times are whole numbers below 2^53, so JavaScript carries them exactly.
fn int(n: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(n.min(MAX_SEQ) as i64)
}

fn kind(s: &str) -> MessageType {
    if s == MessageType::Ai.as_str() {
        MessageType::Ai
    } else {
        MessageType::Human
    }
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

/// `SELECT MAX(…) AS n`: one row, `NULL` on an empty table.
#[derive(Deserialize)]
struct Max {
    n: Option<u64>,
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

#[derive(Deserialize)]
struct BlockRow {
    block: u64,
    count: u64,
    first_ts: u64,
    last_ts: u64,
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
        #[derive(Deserialize)]
        struct Name {
            name: String,
        }
        let names: Vec<Name> = sql
            .exec(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'seg_*'",
                None,
            )
            .and_then(|c| c.to_array())
            .map_err(store_error)?;
        let segments = names
            .iter()
            .filter_map(|n| n.name.strip_prefix("seg_")?.parse().ok())
            .collect();
        let store = SqlStore {
            sql,
            usage: Cell::new(Usage::default()),
            segments: RefCell::new(segments),
            index: RefCell::new(None),
            hot_floor: Cell::new(1),
        };
        store.migrate()?;
        let archived = store.number("SELECT MAX(block) AS n FROM archive")?;
        store
            .hot_floor
            .set(archived.map_or(1, |b| block_end(b) + 1));
        Ok(store)
    }

    /// A log written before issue 16 keeps its comments in one `comments` table with four
    /// indexes: they move into hot tables once, and the old table is dropped.
    fn migrate(&self) -> Result<(), StoreError> {
        let old = self.number(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'comments'",
        )?;
        if old.unwrap_or(0) == 0 {
            return Ok(());
        }
        // The first release had no `network` column: "duplicate column" means it is there.
        if let Err(e) = self
            .sql
            .exec("ALTER TABLE comments ADD COLUMN network TEXT", None)
        {
            if !e.to_string().contains("duplicate column") {
                return Err(store_error(e));
            }
        }
        #[derive(Deserialize)]
        struct Span {
            low: Option<u64>,
            high: Option<u64>,
        }
        let span = self.rows::<Span>(
            "SELECT MIN(seq) AS low, MAX(seq) AS high FROM comments",
            vec![],
        )?;
        if let Some(Span {
            low: Some(low),
            high: Some(high),
        }) = span.into_iter().next()
        {
            for n in block_of(low)..=block_of(high) {
                let table = self.ensure_segment(n)?;
                let cursor = self.exec(
                    &format!(
                        "INSERT INTO {table} (seq, id, ts, type, domain, body, network)
                         SELECT seq, id, ts, type, domain, body, network FROM comments
                         WHERE seq > ? AND seq <= ?"
                    ),
                    vec![int(n * BLOCK), int(block_end(n))],
                )?;
                self.count(&cursor);
            }
        }
        let cursor = self.exec("DROP TABLE comments", vec![])?;
        self.count(&cursor);
        Ok(())
    }

    fn number(&self, query: &str) -> Result<Option<u64>, StoreError> {
        Ok(self.rows::<Max>(query, vec![])?.pop().and_then(|m| m.n))
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

    fn run(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<(), StoreError> {
        let cursor = self.exec(query, bindings)?;
        self.count(&cursor);
        Ok(())
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

    /// The hot table of block `n`, made when its first comment comes (2 rows of SQLite's
    /// schema per 1 000 comments).
    fn ensure_segment(&self, n: u64) -> Result<String, StoreError> {
        let table = segment(n);
        if !self.segments.borrow().contains(&n) {
            self.run(
                &format!("CREATE TABLE IF NOT EXISTS {table} ({SEGMENT_COLUMNS})"),
                vec![],
            )?;
            self.segments.borrow_mut().insert(n);
        }
        Ok(table)
    }

    fn has_segment(&self, seq: u64) -> Option<String> {
        let n = block_of(seq);
        self.segments.borrow().contains(&n).then(|| segment(n))
    }

    /// Runs `f` on the index, building it first from every hot row's small columns.
    fn with_index<T>(&self, f: impl FnOnce(&Index) -> T) -> Result<T, StoreError> {
        if self.index.borrow().is_none() {
            #[derive(Deserialize)]
            struct Small {
                seq: u64,
                id: String,
                ts: u64,
                r#type: String,
                domain: String,
            }
            let mut index = Index::default();
            let segments: Vec<u64> = self.segments.borrow().iter().copied().collect();
            for n in segments {
                for r in self.rows::<Small>(
                    &format!("SELECT seq, id, ts, type, domain FROM {}", segment(n)),
                    vec![],
                )? {
                    index.add(r.seq, &r.id, r.ts, kind(&r.r#type), &r.domain);
                }
            }
            *self.index.borrow_mut() = Some(index);
        }
        let index = self.index.borrow();
        let index = index
            .as_ref()
            .ok_or_else(|| StoreError("the index was not built".into()))?;
        Ok(f(index))
    }

    /// Keeps a built index current (an unbuilt one will read the rows as they are).
    fn indexed(&self, f: impl FnOnce(&mut Index)) {
        if let Some(index) = self.index.borrow_mut().as_mut() {
            f(index);
        }
    }

    fn seq_of(&self, id: &str) -> Result<Option<u64>, StoreError> {
        self.with_index(|ix| ix.seq_of(id))
    }

    /// The entries of `seqs` (all in hot tables), in the order given.
    fn fetch(&self, seqs: &[u64]) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::with_capacity(seqs.len());
        let mut start = 0;
        while start < seqs.len() {
            // One statement per run of seqs in the same table, at most 100 bound at once.
            let n = block_of(seqs[start]);
            let mut end = start;
            while end < seqs.len() && block_of(seqs[end]) == n && end - start < 100 {
                end += 1;
            }
            let run = &seqs[start..end];
            let marks = vec!["?"; run.len()].join(", ");
            let mut found = self.entries(
                &format!(
                    "SELECT seq, body FROM {} WHERE seq IN ({marks})",
                    segment(n)
                ),
                run.iter().map(|s| int(*s)).collect(),
            )?;
            found.sort_by_key(|e| run.iter().position(|s| *s == e.seq));
            out.extend(found);
            start = end;
        }
        Ok(out)
    }

    fn insert_row(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError> {
        let c = &entry.comment;
        let table = self.ensure_segment(block_of(entry.seq))?;
        self.run(
            &format!(
                "INSERT INTO {table} (seq, id, ts, type, domain, body, network)
                 VALUES (?, ?, ?, ?, ?, ?, ?)"
            ),
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
        self.indexed(|ix| ix.add(entry.seq, &c.id, c.timestamp, c.message_type, &c.domain));
        Ok(())
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
        let mut row = None;
        let segments: Vec<u64> = self.segments.borrow().iter().rev().copied().collect();
        for n in segments {
            if let Some(h) = self
                .rows::<Head>(
                    &format!(
                        "SELECT seq, ts FROM {} ORDER BY seq DESC LIMIT 1",
                        segment(n)
                    ),
                    vec![],
                )?
                .first()
            {
                row = Some((h.seq, h.ts));
                break;
            }
        }
        // A taken-down or archived comment may have been the newest: its seq is still used.
        let removed = self.number("SELECT MAX(seq) AS n FROM removals")?;
        let archived = self.hot_floor.get() - 1;
        let used = removed.unwrap_or(0).max(archived);
        Ok(match row {
            Some((seq, ts)) => Some((seq.max(used), ts)),
            None if used > 0 => Some((used, 0)),
            None => None,
        })
    }

    fn insert(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError> {
        self.insert_row(entry, network)
    }

    fn network_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        #[derive(Deserialize)]
        struct Net {
            network: Option<String>,
        }
        let Some(seq) = self.seq_of(id)? else {
            return Ok(None);
        };
        let Some(table) = self.has_segment(seq) else {
            return Ok(None);
        };
        Ok(self
            .rows::<Net>(
                &format!("SELECT network FROM {table} WHERE seq = ?"),
                vec![int(seq)],
            )?
            .pop()
            .and_then(|n| n.network))
    }

    fn take_down(&self, entry: &Entry, removal: &Removal) -> Result<(), StoreError> {
        let kept = match &removal.kept {
            Some(c) => body(c)?,
            None => SqlStorageValue::Null,
        };
        self.run(
            "INSERT OR REPLACE INTO removals (id, seq, at_head, at, body) VALUES (?, ?, ?, ?, ?)",
            vec![
                removal.id.as_str().into(),
                int(removal.seq),
                int(removal.at_head),
                int(removal.at),
                kept,
            ],
        )?;
        if let Some(table) = self.has_segment(entry.seq) {
            self.run(
                &format!("DELETE FROM {table} WHERE seq = ?"),
                vec![int(entry.seq)],
            )?;
        }
        self.indexed(|ix| ix.remove(entry.seq, &entry.comment.id));
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
        self.insert_row(entry, None)?;
        self.run(
            "DELETE FROM removals WHERE id = ?",
            vec![entry.comment.id.as_str().into()],
        )
    }

    fn forget(&self, id: &str) -> Result<(), StoreError> {
        self.run(
            "UPDATE removals SET body = NULL WHERE id = ?",
            vec![id.into()],
        )
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
        struct Gone {
            seq: u64,
            id: String,
        }
        let mut gone = 0u64;
        let segments: Vec<u64> = self.segments.borrow().iter().copied().collect();
        for n in segments.into_iter().take_while(|n| n * BLOCK + 1 < before) {
            if gone as usize >= limit {
                break;
            }
            let table = segment(n);
            let rows = if block_end(n) < before {
                // A whole table past retention goes at once: no row written.
                let rows = self.rows::<Gone>(&format!("SELECT seq, id FROM {table}"), vec![])?;
                self.run(&format!("DROP TABLE {table}"), vec![])?;
                self.segments.borrow_mut().remove(&n);
                rows
            } else {
                self.rows::<Gone>(
                    &format!(
                        "DELETE FROM {table} WHERE seq IN
                         (SELECT seq FROM {table} WHERE seq < ? ORDER BY seq LIMIT ?)
                         RETURNING seq, id"
                    ),
                    vec![int(before), int((limit - gone as usize) as u64)],
                )?
            };
            gone += rows.len() as u64;
            self.indexed(|ix| rows.iter().for_each(|r| ix.remove(r.seq, &r.id)));
        }
        Ok(gone)
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
        self.run(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            vec![key.into(), value.into()],
        )
    }

    fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        let table = self
            .has_segment(entry.seq)
            .ok_or_else(|| StoreError(format!("no row {}", entry.seq)))?;
        self.run(
            &format!("UPDATE {table} SET body = ? WHERE seq = ?"),
            vec![body(&entry.comment)?, int(entry.seq)],
        )
    }

    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        match self.seq_of(id)? {
            Some(seq) => Ok(self.fetch(&[seq])?.pop()),
            None => Ok(None),
        }
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
        if filter != &Filter::default() {
            let seqs = self.with_index(|ix| ix.seqs(filter, after, before, direction, limit))?;
            return self.fetch(&seqs);
        }
        // Unfiltered: the sequence itself, table by table, no index needed.
        let mut blocks: Vec<u64> = self
            .segments
            .borrow()
            .range(block_of(after + 1)..=block_of(before - 1))
            .copied()
            .collect();
        if direction == Direction::NewestFirst {
            blocks.reverse();
        }
        let order = match direction {
            Direction::OldestFirst => "ASC",
            Direction::NewestFirst => "DESC",
        };
        let mut out = Vec::new();
        for n in blocks {
            if out.len() == limit {
                break;
            }
            out.extend(self.entries(
                &format!(
                    "SELECT seq, body FROM {} WHERE seq > ? AND seq < ? ORDER BY seq {order} LIMIT ?",
                    segment(n)
                ),
                vec![int(after), int(before), int((limit - out.len()) as u64)],
            )?);
        }
        Ok(out)
    }

    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError> {
        let seq = self.with_index(|ix| ix.last_stamped(ts, strict))?;
        if seq > 0 {
            return Ok(seq);
        }
        // Older than every hot row: the archived block that starts at or before it. The cursor
        // lands at the block's start (a few repeats, merged by id, never a comment skipped).
        #[derive(Deserialize)]
        struct Block {
            block: u64,
        }
        Ok(self
            .rows::<Block>(
                "SELECT block FROM archive WHERE count > 0 AND first_ts <= ? ORDER BY block DESC LIMIT 1",
                vec![int(ts)],
            )?
            .first()
            .map_or(0, |b| b.block * BLOCK))
    }

    fn usage(&self) -> Usage {
        self.usage.get()
    }

    fn hot_floor(&self) -> Result<u64, StoreError> {
        Ok(self.hot_floor.get())
    }

    fn oldest_block(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.segments.borrow().first().copied())
    }

    fn block_entries(&self, n: u64) -> Result<Vec<Entry>, StoreError> {
        if !self.segments.borrow().contains(&n) {
            return Ok(Vec::new());
        }
        self.entries(
            &format!("SELECT seq, body FROM {} ORDER BY seq", segment(n)),
            vec![],
        )
    }

    fn archive_block(&self, summary: &BlockRef) -> Result<(), StoreError> {
        let n = summary.block;
        self.run(
            "INSERT OR REPLACE INTO archive (block, count, first_ts, last_ts) VALUES (?, ?, ?, ?)",
            vec![
                int(n),
                int(summary.count),
                int(summary.first_ts),
                int(summary.last_ts),
            ],
        )?;
        if self.segments.borrow().contains(&n) {
            #[derive(Deserialize)]
            struct Gone {
                seq: u64,
                id: String,
            }
            let rows = if self.index.borrow().is_some() {
                self.rows::<Gone>(&format!("SELECT seq, id FROM {}", segment(n)), vec![])?
            } else {
                Vec::new()
            };
            self.run(&format!("DROP TABLE {}", segment(n)), vec![])?;
            self.segments.borrow_mut().remove(&n);
            self.indexed(|ix| rows.iter().for_each(|r| ix.remove(r.seq, &r.id)));
        }
        self.hot_floor
            .set(self.hot_floor.get().max(block_end(n) + 1));
        Ok(())
    }

    fn archived_after(&self, after: u64, limit: usize) -> Result<Vec<BlockRef>, StoreError> {
        Ok(self
            .rows::<BlockRow>(
                "SELECT block, count, first_ts, last_ts FROM archive WHERE block >= ? AND count > 0 ORDER BY block LIMIT ?",
                vec![int(block_of(after + 1)), int(limit as u64)],
            )?
            .into_iter()
            .map(|r| BlockRef {
                block: r.block,
                count: r.count,
                first_ts: r.first_ts,
                last_ts: r.last_ts,
            })
            .collect())
    }

    fn forget_block(&self, n: u64) -> Result<(), StoreError> {
        self.run(
            "UPDATE archive SET count = 0, first_ts = 0, last_ts = 0 WHERE block = ?",
            vec![int(n)],
        )
    }
}
