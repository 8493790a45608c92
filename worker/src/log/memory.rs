//! An in-memory [`LogStore`] for unit tests and benchmarks. It answers exactly as the SQLite
//! store does and counts rows the way Cloudflare bills them (see `cloudflare/sql.rs` for the
//! schema it models, and docs/benchmarks.md for the counts checked against the real object).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};

use super::archive::{block_end, block_of, BlockRef};
use super::store::{Direction, Entry, Filter, LogStore, Removal, StoreError, Usage};

/// Rows an insert writes: the table row, nothing else (no SQL index; issue 16).
pub const ROWS_PER_INSERT: u64 = 1;
/// Rows an insert reads: none (no UNIQUE constraint to check; the index in memory does).
pub const ROWS_READ_PER_INSERT: u64 = 0;
/// Rows a removal record writes: its row and its `at_head` index entry.
pub const ROWS_PER_REMOVAL: u64 = 2;
/// What making a hot table costs (SQLite's schema rows, measured in workerd).
pub const ROWS_PER_NEW_TABLE: u64 = 2;

#[derive(Default)]
pub struct MemoryStore {
    /// In seq order; taken-down and pruned entries leave gaps.
    rows: RefCell<Vec<Entry>>,
    ids: RefCell<HashMap<String, u64>>,
    networks: RefCell<HashMap<String, String>>,
    /// In the order they were taken down.
    removals: RefCell<Vec<Removal>>,
    meta: RefCell<HashMap<String, String>>,
    /// The hot tables made and not yet dropped, by block.
    tables: RefCell<BTreeSet<u64>>,
    archived: RefCell<Vec<BlockRef>>,
    /// Whether the in-memory index is built (building it reads every hot row once).
    indexed: Cell<bool>,
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

    /// The first lookup after a start reads every hot row's small columns once.
    fn index(&self) {
        if !self.indexed.replace(true) {
            self.read(self.len());
        }
    }

    fn add(&self, entry: &Entry) -> Result<(), StoreError> {
        if self.tables.borrow_mut().insert(block_of(entry.seq)) {
            self.read(1);
            self.wrote(ROWS_PER_NEW_TABLE);
        }
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
            self.networks.borrow_mut().remove(&e.comment.id);
            self.wrote(1);
        }
    }

    /// Drops hot block `n` as `DROP TABLE` does: no row written. The rows go without a
    /// count; what reads them first counts its own reads.
    fn drop_table(&self, n: u64) -> usize {
        self.tables.borrow_mut().remove(&n);
        let mut rows = self.rows.borrow_mut();
        let start = rows.partition_point(|e| block_of(e.seq) < n);
        let end = rows.partition_point(|e| block_of(e.seq) <= n);
        let gone: Vec<Entry> = rows.drain(start..end).collect();
        for e in &gone {
            self.ids.borrow_mut().remove(&e.comment.id);
            self.networks.borrow_mut().remove(&e.comment.id);
        }
        gone.len()
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
        // A taken-down or archived comment may have been the newest: its seq is still used.
        let used = removed.unwrap_or(0).max(self.hot_floor()? - 1);
        Ok(match row {
            Some((seq, ts)) => Some((seq.max(used), ts)),
            None if used > 0 => Some((used, 0)),
            None => None,
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
        self.index();
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
        let mut gone = 0usize;
        let tables: Vec<u64> = self.tables.borrow().iter().copied().collect();
        for n in tables
            .into_iter()
            .take_while(|n| n * super::archive::BLOCK + 1 < before)
        {
            if gone >= limit {
                break;
            }
            if block_end(n) < before {
                // A whole table: its ids read, then `DROP TABLE`.
                let dropped = self.drop_table(n);
                self.read(dropped);
                gone += dropped;
                continue;
            }
            let seqs: Vec<u64> = self
                .rows
                .borrow()
                .iter()
                .filter(|e| block_of(e.seq) == n)
                .take_while(|e| e.seq < before)
                .take(limit - gone)
                .map(|e| e.seq)
                .collect();
            self.read(seqs.len());
            for seq in &seqs {
                self.drop_row(*seq);
            }
            gone += seqs.len();
        }
        Ok(gone as u64)
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
        self.index();
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
        // Unfiltered, SQLite walks the table by seq; filtered, the index in memory names the
        // rows and only those are read.
        if filter != &Filter::default() {
            self.index();
        }
        let out: Vec<Entry> = walk
            .filter(|e| filter.matches(&e.comment))
            .take(limit)
            .cloned()
            .collect();
        self.read(out.len());
        Ok(out)
    }

    fn last_stamped(&self, ts: u64, strict: bool) -> Result<u64, StoreError> {
        self.check()?;
        self.index();
        // Timestamps never decrease along the log: a search in the index, no row read.
        let rows = self.rows.borrow();
        let n = rows.partition_point(|e| {
            if strict {
                e.comment.timestamp < ts
            } else {
                e.comment.timestamp <= ts
            }
        });
        if let Some(i) = n.checked_sub(1) {
            return Ok(rows[i].seq);
        }
        // Older than the hot rows: the archived block starting at or before it.
        self.read(1);
        Ok(self
            .archived
            .borrow()
            .iter()
            .rev()
            .find(|b| b.count > 0 && b.first_ts <= ts)
            .map_or(0, |b| b.block * super::archive::BLOCK))
    }

    fn usage(&self) -> Usage {
        self.usage.get()
    }

    fn hot_floor(&self) -> Result<u64, StoreError> {
        self.check()?;
        Ok(self
            .archived
            .borrow()
            .last()
            .map_or(1, |b| block_end(b.block) + 1))
    }

    fn oldest_block(&self) -> Result<Option<u64>, StoreError> {
        self.check()?;
        Ok(self.tables.borrow().first().copied())
    }

    fn block_entries(&self, n: u64) -> Result<Vec<Entry>, StoreError> {
        self.check()?;
        let found: Vec<Entry> = self
            .rows
            .borrow()
            .iter()
            .filter(|e| block_of(e.seq) == n)
            .cloned()
            .collect();
        self.read(found.len());
        Ok(found)
    }

    fn archive_block(&self, summary: &BlockRef) -> Result<(), StoreError> {
        self.check()?;
        let dropped = self.drop_table(summary.block);
        if self.indexed.get() {
            // The ids leave the index: read before the table goes.
            self.read(dropped);
        }
        let mut archived = self.archived.borrow_mut();
        archived.retain(|b| b.block != summary.block);
        archived.push(*summary);
        archived.sort_by_key(|b| b.block);
        self.wrote(1);
        Ok(())
    }

    fn archived_after(&self, after: u64, limit: usize) -> Result<Vec<BlockRef>, StoreError> {
        self.check()?;
        let found: Vec<BlockRef> = self
            .archived
            .borrow()
            .iter()
            .filter(|b| b.block >= block_of(after + 1) && b.count > 0)
            .take(limit)
            .copied()
            .collect();
        self.read(found.len());
        Ok(found)
    }

    fn forget_block(&self, n: u64) -> Result<(), StoreError> {
        self.check()?;
        for b in self
            .archived
            .borrow_mut()
            .iter_mut()
            .filter(|b| b.block == n)
        {
            *b = BlockRef {
                block: n,
                count: 0,
                first_ts: 0,
                last_ts: 0,
            };
            self.wrote(1);
        }
        Ok(())
    }
}
