//! An in-memory [`LogStore`] for unit tests and benchmarks. It answers exactly as the SQLite
//! store does and counts rows the way Cloudflare bills them (see `cloudflare/sql.rs` for the
//! schema it models, and docs/benchmarks.md for the counts checked against the real object).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::store::{Direction, Entry, Filter, LogStore, Removal, StoreError, Usage};

/// Rows an insert writes: the table row plus one per index (`id`, `ts`, `type`, `domain`).
pub const ROWS_PER_INSERT: u64 = 5;
/// Rows an insert reads: SQLite checks the `id` index for the UNIQUE constraint.
pub const ROWS_READ_PER_INSERT: u64 = 1;
/// Rows a removal record writes: its row and its `at_head` index entry.
pub const ROWS_PER_REMOVAL: u64 = 2;

#[derive(Default)]
pub struct MemoryStore {
    /// In seq order; taken-down and pruned entries leave gaps.
    rows: RefCell<Vec<Entry>>,
    ids: RefCell<HashMap<String, u64>>,
    networks: RefCell<HashMap<String, String>>,
    /// In the order they were taken down.
    removals: RefCell<Vec<Removal>>,
    meta: RefCell<HashMap<String, String>>,
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

    fn index_of(&self, seq: u64) -> Result<usize, usize> {
        self.rows.borrow().binary_search_by_key(&seq, |e| e.seq)
    }

    fn get(&self, seq: u64) -> Option<Entry> {
        self.index_of(seq)
            .ok()
            .and_then(|i| self.rows.borrow().get(i).cloned())
    }

    fn add(&self, entry: &Entry) -> Result<(), StoreError> {
        let mut ids = self.ids.borrow_mut();
        let at = match self.index_of(entry.seq) {
            Err(at) if !ids.contains_key(&entry.comment.id) => at,
            _ => {
                return Err(StoreError(format!(
                    "UNIQUE constraint failed for seq {} / id {}",
                    entry.seq, entry.comment.id
                )))
            }
        };
        ids.insert(entry.comment.id.clone(), entry.seq);
        self.rows.borrow_mut().insert(at, entry.clone());
        self.read(ROWS_READ_PER_INSERT as usize);
        self.wrote(ROWS_PER_INSERT);
        Ok(())
    }

    fn drop_row(&self, seq: u64) {
        if let Ok(i) = self.index_of(seq) {
            let e = self.rows.borrow_mut().remove(i);
            self.ids.borrow_mut().remove(&e.comment.id);
            self.wrote(ROWS_PER_INSERT);
        }
    }
}

impl LogStore for MemoryStore {
    fn head(&self) -> Result<Option<(u64, u64)>, StoreError> {
        self.check()?;
        let row = self
            .rows
            .borrow()
            .last()
            .map(|e| (e.seq, e.comment.timestamp));
        let removed = self.removals.borrow().iter().map(|r| r.seq).max();
        self.read(row.iter().count() + removed.iter().count());
        Ok(match (row, removed) {
            (Some((seq, ts)), Some(r)) if r < seq => Some((seq, ts)),
            (Some((_, ts)), Some(r)) => Some((r, ts)),
            (None, Some(r)) => Some((r, 0)),
            (row, None) => row,
        })
    }

    fn insert(&self, entry: &Entry, network: Option<&str>) -> Result<(), StoreError> {
        self.check()?;
        if self
            .rows
            .borrow()
            .last()
            .is_some_and(|l| l.seq >= entry.seq)
        {
            return Err(StoreError(format!(
                "seq {} is not past the head",
                entry.seq
            )));
        }
        self.add(entry)?;
        if let Some(n) = network {
            self.networks
                .borrow_mut()
                .insert(entry.comment.id.clone(), n.to_owned());
        }
        Ok(())
    }

    fn network_of(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        self.read(1);
        Ok(self.networks.borrow().get(id).cloned())
    }

    fn take_down(&self, entry: &Entry, removal: &Removal) -> Result<(), StoreError> {
        self.check()?;
        self.drop_row(entry.seq);
        let mut removals = self.removals.borrow_mut();
        removals.retain(|r| r.id != removal.id);
        removals.push(removal.clone());
        self.wrote(ROWS_PER_REMOVAL);
        Ok(())
    }

    fn removal(&self, id: &str) -> Result<Option<Removal>, StoreError> {
        self.check()?;
        let found = self.removals.borrow().iter().find(|r| r.id == id).cloned();
        self.read(found.iter().count());
        Ok(found)
    }

    fn put_back(&self, entry: &Entry) -> Result<(), StoreError> {
        self.check()?;
        self.add(entry)?;
        self.removals
            .borrow_mut()
            .retain(|r| r.id != entry.comment.id);
        self.wrote(ROWS_PER_REMOVAL);
        Ok(())
    }

    fn forget(&self, id: &str) -> Result<(), StoreError> {
        self.check()?;
        for r in self.removals.borrow_mut().iter_mut().filter(|r| r.id == id) {
            r.kept = None;
            self.wrote(1);
        }
        Ok(())
    }

    fn removals(&self, from: u64, limit: usize) -> Result<Vec<Removal>, StoreError> {
        self.check()?;
        let found: Vec<Removal> = self
            .removals
            .borrow()
            .iter()
            .rev()
            .filter(|r| r.at_head >= from)
            .take(limit)
            .cloned()
            .collect();
        self.read(found.len());
        Ok(found)
    }

    fn hidden(&self, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.check()?;
        let found: Vec<Entry> = self
            .removals
            .borrow()
            .iter()
            .rev()
            .filter_map(|r| {
                r.kept.clone().map(|comment| Entry {
                    seq: r.seq,
                    comment,
                })
            })
            .take(limit)
            .collect();
        self.read(found.len());
        Ok(found)
    }

    fn prune(&self, before: u64, limit: usize) -> Result<u64, StoreError> {
        self.check()?;
        let seqs: Vec<u64> = self
            .rows
            .borrow()
            .iter()
            .take_while(|e| e.seq < before)
            .take(limit)
            .map(|e| e.seq)
            .collect();
        self.read(seqs.len());
        for seq in &seqs {
            if let Some(e) = self.get(*seq) {
                self.networks.borrow_mut().remove(&e.comment.id);
            }
            self.drop_row(*seq);
        }
        Ok(seqs.len() as u64)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        self.read(1);
        Ok(self.meta.borrow().get(key).cloned())
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.check()?;
        self.meta
            .borrow_mut()
            .insert(key.to_owned(), value.to_owned());
        self.wrote(1);
        Ok(())
    }

    fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        self.check()?;
        let i = self
            .index_of(entry.seq)
            .map_err(|_| StoreError(format!("no row {}", entry.seq)))?;
        self.rows.borrow_mut()[i] = entry.clone();
        self.read(1);
        self.wrote(1);
        Ok(())
    }

    fn by_id(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        self.check()?;
        let seq = self.ids.borrow().get(id).copied();
        let found = seq.and_then(|seq| self.get(seq));
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
        let start = rows.partition_point(|e| e.seq <= after);
        let end = rows.partition_point(|e| e.seq < before);
        let span = rows.get(start..end).unwrap_or_default();
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
        Ok(n.checked_sub(1).map_or(0, |i| rows[i].seq))
    }

    fn usage(&self) -> Usage {
        self.usage.get()
    }
}
