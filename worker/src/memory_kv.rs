//! An in-memory KV that behaves like Workers KV where the design depends on it, and counts
//! every operation it serves so tests and benchmarks can assert what a request costs.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Bound;

use serde_json::Value;

use crate::kv::{
    Kv, KvError, ListKey, ListPage, MAX_KEY_BYTES, MAX_LIST_LIMIT, MAX_METADATA_BYTES,
};

/// Operations served, by kind (Workers KV bills lists like writes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpCounts {
    pub gets: u64,
    pub puts: u64,
    pub lists: u64,
}

impl OpCounts {
    pub fn total(&self) -> u64 {
        self.gets + self.puts + self.lists
    }
}

#[derive(Default)]
pub struct MemoryKv {
    // BTreeMap<String, _> orders by UTF-8 bytes, exactly like Workers KV's list.
    entries: RefCell<BTreeMap<String, (String, Option<Value>)>>,
    ops: Cell<OpCounts>,
    failing: Cell<bool>,
}

impl MemoryKv {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ops(&self) -> OpCounts {
        self.ops.get()
    }

    pub fn reset_ops(&self) {
        self.ops.set(OpCounts::default());
    }

    /// While set, every operation fails as an unreachable KV would.
    pub fn set_failing(&self, failing: bool) {
        self.failing.set(failing);
    }

    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// Writes without counting, to set up a store of a given size quickly.
    pub fn seed(&self, key: String, value: String, metadata: Option<Value>) {
        self.entries.borrow_mut().insert(key, (value, metadata));
    }

    fn count(&self, f: impl FnOnce(&mut OpCounts)) -> Result<(), KvError> {
        let mut ops = self.ops.get();
        f(&mut ops);
        self.ops.set(ops);
        if self.failing.get() {
            return Err(KvError("the in-memory KV was told to fail".into()));
        }
        Ok(())
    }
}

impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.count(|o| o.gets += 1)?;
        Ok(self.entries.borrow().get(key).map(|(v, _)| v.clone()))
    }

    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError> {
        self.count(|o| o.puts += 1)?;
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(KvError(format!(
                "key of {} bytes is outside 1..={MAX_KEY_BYTES}",
                key.len()
            )));
        }
        if let Some(m) = metadata {
            let size = m.to_string().len();
            if size > MAX_METADATA_BYTES {
                return Err(KvError(format!(
                    "metadata of {size} bytes exceeds {MAX_METADATA_BYTES}"
                )));
            }
        }
        self.entries
            .borrow_mut()
            .insert(key.to_owned(), (value.to_owned(), metadata.cloned()));
        Ok(())
    }

    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError> {
        self.count(|o| o.lists += 1)?;
        if !(1..=MAX_LIST_LIMIT).contains(&limit) {
            return Err(KvError(format!(
                "list limit {limit} is outside 1..={MAX_LIST_LIMIT}"
            )));
        }
        // The cursor is opaque to callers; here it is the last key returned.
        let start = match cursor {
            Some(c) => Bound::Excluded(c.to_owned()),
            None => Bound::Included(prefix.to_owned()),
        };
        let entries = self.entries.borrow();
        let mut matching = entries
            .range::<String, _>((start, Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix));
        let keys: Vec<ListKey> = matching
            .by_ref()
            .take(limit)
            .map(|(k, (_, m))| ListKey {
                name: k.clone(),
                metadata: m.clone(),
            })
            .collect();
        let complete = matching.next().is_none();
        let cursor = if complete {
            None
        } else {
            keys.last().map(|k| k.name.clone())
        };
        Ok(ListPage {
            keys,
            cursor,
            complete,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn lists_in_byte_order_in_pages_of_at_most_1000() {
        let kv = MemoryKv::new();
        for i in (0..2500).rev() {
            kv.seed(format!("p:{i:05}"), String::new(), None);
        }
        kv.seed("q:other".into(), String::new(), None);
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = block_on(kv.list("p:", 1000, cursor.as_deref())).unwrap();
            assert!(page.keys.len() <= 1000);
            seen.extend(page.keys.into_iter().map(|k| k.name));
            if page.complete {
                break;
            }
            cursor = page.cursor;
        }
        assert_eq!(seen.len(), 2500);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(kv.ops().lists, 3);
        assert!(block_on(kv.list("p:", 1001, None)).is_err());
    }

    #[test]
    fn enforces_key_and_metadata_sizes_and_can_fail() {
        let kv = MemoryKv::new();
        let big = Value::String("x".repeat(MAX_METADATA_BYTES));
        assert!(block_on(kv.put("k", "v", Some(&big))).is_err());
        assert!(block_on(kv.put(&"k".repeat(513), "v", None)).is_err());
        block_on(kv.put("k", "v", Some(&Value::Bool(true)))).unwrap();
        kv.set_failing(true);
        assert!(block_on(kv.get("k")).is_err());
        kv.set_failing(false);
        assert_eq!(block_on(kv.get("k")).unwrap().as_deref(), Some("v"));
        assert_eq!(
            kv.ops(),
            OpCounts {
                gets: 2,
                puts: 3,
                lists: 0
            }
        );
    }
}
