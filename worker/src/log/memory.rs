//! An in-memory [`LogStore`] for unit tests and benchmarks. It answers exactly as the SQLite
//! store does and counts rows the way Cloudflare bills them (see `cloudflare/sql.rs` for the
//! schema it models, and docs/benchmarks.md for the counts checked against the real object).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::store::{Direction, Entry, Filter, LogStore, StoreError, Usage};

/// Rows an insert writes: the table row plus one per index (`id`, `ts`, `type`, `domain`).
pub const ROWS_PER_INSERT: u64 = 5;
/// Rows an insert reads: SQLite checks the `id` index for the UNIQUE constraint.
pub const ROWS_READ_PER_INSERT: u64 = 1;

#[derive(Default)]
pub struct MemoryStore {
    /// Entry `seq` at index `seq - 1`: the log has no gaps.
    rows: RefCell<Vec<Entry>>,
    ids: RefCell<HashMap<String, u64>>,
    usage: Cell<Usage>,
    /// When set, every call fails (an unavailable storage, for error-path tests).
    pub broken: Cell<bool>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.rows.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.broken.get() {
            Err(StoreError("the storage is unavailable (test)".into()))
        } else {
            Ok(())
        }
    }

    fn read(&self, rows: usize) {
        let mut u = self.usage.get();
        u.rows_read += rows as u64;
        self.usage.set(u);
    }

    fn wrote(&self, rows: u64) {
        let mut u = self.usage.get();
        u.rows_written += rows;
        self.usage.set(u);
    }
}

impl LogStore for MemoryStore {
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError> {
        self.check()?;
        let head = self
            .rows
            .borrow()
            .last()
            .map(|e| (e.seq, e.comment.timestamp));
        self.read(head.iter().count());
        Ok(head)
    }

    fn insert(&self, entry: &Entry) -> Result<(), StoreError> {
        self.check()?;
        let mut ids = self.ids.borrow_mut();
        let mut rows = self.rows.borrow_mut();
        if ids.contains_key(&entry.comment.id) || entry.seq != rows.len() as u64 + 1 {
            return Err(StoreError(format!(
                "UNIQUE constraint failed for seq {} / id {}",
                entry.seq, entry.comment.id
            )));
        }
        ids.insert(entry.comment.id.clone(), entry.seq);
        rows.push(entry.clone());
        self.read(ROWS_READ_PER_INSERT as usize);
        self.wrote(ROWS_PER_INSERT);
        Ok(())
    }

    fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        self.check()?;
        let mut rows = self.rows.borrow_mut();
        let row = rows
            .get_mut((entry.seq as usize).wrapping_sub(1))
            .ok_or_else(|| StoreError(format!("no row {}", entry.seq)))?;
        *row = entry.clone();
        self.read(1);
        self.wrote(1);
        Ok(())
    }

    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        self.check()?;
        let found = self
            .ids
            .borrow()
            .get(id)
            .and_then(|seq| self.rows.borrow().get(*seq as usize - 1).cloned());
        self.read(found.iter().count());
        Ok(found)
    }

    fn range(
        &self,
        filter: &Filter,
        after: u64,
        before: u64,
        direction: Direction,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        self.check()?;
        if after.saturating_add(1) >= before || limit == 0 {
            return Ok(Vec::new());
        }
        let rows = self.rows.borrow();
        let end = (before as usize - 1).min(rows.len());
        let span = rows.get(after as usize..end).unwrap_or_default();
        let walk: Box<dyn Iterator<Item = &Entry>> = match direction {
            Direction::OldestFirst => Box::new(span.iter()),
            Direction::NewestFirst => Box::new(span.iter().rev()),
        };
        // SQLite walks the index of one filtered column (or the table itself) and checks the
        // other filter on each row it reads; those rows count too.
        let indexed = |e: &Entry| match (&filter.domain, filter.message_type) {
            (Some(d), _) => e.comment.domain == *d,
            (None, Some(t)) => e.comment.message_type == t,
            (None, None) => true,
        };
        let mut scanned = 0;
        let mut out = Vec::new();
        for e in walk.filter(|e| indexed(e)) {
            scanned += 1;
            if filter.matches(&e.comment) {
                out.push(e.clone());
                if out.len() == limit {
                    break;
                }
            }
        }
        self.read(scanned);
        Ok(out)
    }

    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError> {
        self.check()?;
        // Timestamps never decrease along the log, so this is one step down the `ts` index.
        let rows = self.rows.borrow();
        let n = rows.partition_point(|e| {
            if strict {
                e.comment.timestamp < ts
            } else {
                e.comment.timestamp <= ts
            }
        });
        // SQLite reports one row for the index step, found or not.
        self.read(1);
        Ok(n as u64)
    }

    fn usage(&self) -> Usage {
        self.usage.get()
    }
}
