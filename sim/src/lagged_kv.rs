//! Workers KV as Cloudflare documents it, at many locations: one authoritative store, and each
//! location seeing a write only once that location's copy catches up.
//!
//! A put lands in the store at once; for every location a delay is drawn, per key, after which
//! `get` and `list` there show it. Until then the location answers as if the write had not
//! happened (a `get` returns the older value or nothing; a `list` leaves the key out). That is
//! the behaviour the docs allow: "changes may take up to 60 seconds or more to be visible in
//! other global network locations", and visibility at the writer's own location "is not
//! guaranteed" to be immediate either; `list()` is eventually consistent the same way.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Bound;

use saywhatwant_api::kv::{
    Kv, KvError, ListKey, ListPage, MAX_KEY_BYTES, MAX_LIST_LIMIT, MAX_METADATA_BYTES,
};
use saywhatwant_api::memory_kv::OpCounts;
use serde_json::Value;

use crate::rng::Rng;

/// How long a write takes to show at each location (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lag {
    /// At a location other than the writer's: the chance that it sees the write late (its
    /// cached copy of the key or the listing has to expire), uniformly within `remote_late_max`.
    pub remote_late_chance: f64,
    pub remote_late_max: u64,
    /// The other remote locations see it within this.
    pub remote_fast_max: u64,
    /// At the writer's own location: usually at once, late with this chance.
    pub local_late_chance: f64,
    pub local_late_max: u64,
}

impl Lag {
    /// The documented bound taken at its word: every other location sees a write somewhere
    /// within 60 s.
    pub const DOCUMENTED: Lag = Lag {
        remote_late_chance: 1.0,
        remote_late_max: 60_000,
        remote_fast_max: 0,
        local_late_chance: 0.02,
        local_late_max: 1_000,
    };

    /// Far kinder than the docs: 90 % of locations see a write within a second, the rest
    /// within 60 s.
    pub const MOSTLY_FAST: Lag = Lag {
        remote_late_chance: 0.1,
        remote_late_max: 60_000,
        remote_fast_max: 1_000,
        local_late_chance: 0.02,
        local_late_max: 1_000,
    };

    /// A strongly consistent KV (what `wrangler dev` gives locally).
    pub const NONE: Lag = Lag {
        remote_late_chance: 0.0,
        remote_late_max: 0,
        remote_fast_max: 0,
        local_late_chance: 0.0,
        local_late_max: 0,
    };

    /// The longest any location can wait for a write.
    pub fn max(&self) -> u64 {
        self.remote_late_max
            .max(self.remote_fast_max)
            .max(self.local_late_max)
    }

    fn draw(&self, rng: &mut Rng, at_writer: bool) -> u64 {
        if at_writer {
            if rng.chance(self.local_late_chance) {
                rng.between(1, self.local_late_max)
            } else {
                0
            }
        } else if rng.chance(self.remote_late_chance) {
            rng.between(0, self.remote_late_max)
        } else {
            rng.between(0, self.remote_fast_max)
        }
    }
}

struct Version {
    value: String,
    metadata: Option<Value>,
    /// When each location starts to see this version.
    visible_at: Vec<u64>,
}

/// The authoritative store plus every location's view of it.
pub struct LaggedKv {
    locations: usize,
    lag: Lag,
    /// Each key's versions in write order.
    keys: RefCell<BTreeMap<String, Vec<Version>>>,
    rng: RefCell<Rng>,
    ops: Cell<OpCounts>,
}

impl LaggedKv {
    pub fn new(locations: usize, lag: Lag, rng: Rng) -> Self {
        LaggedKv {
            locations: locations.max(1),
            lag,
            keys: RefCell::new(BTreeMap::new()),
            rng: RefCell::new(rng),
            ops: Cell::new(OpCounts::default()),
        }
    }

    /// KV as a Worker at `location` sees it at time `now` (one request's handle).
    pub fn at(&self, location: usize, now: u64) -> LocationKv<'_> {
        LocationKv {
            kv: self,
            location,
            now,
            ops: Cell::new(0),
        }
    }

    /// Operations served at every location, by kind, as Workers KV bills them.
    pub fn ops(&self) -> OpCounts {
        self.ops.get()
    }

    /// When `location` starts to see the newest version of `key`.
    pub fn visible_at(&self, key: &str, location: usize) -> Option<u64> {
        let keys = self.keys.borrow();
        keys.get(key)?.last()?.visible_at.get(location).copied()
    }

    fn count(&self, f: impl FnOnce(&mut OpCounts)) {
        let mut ops = self.ops.get();
        f(&mut ops);
        self.ops.set(ops);
    }
}

/// One Worker invocation's view of KV: a location and a moment.
pub struct LocationKv<'a> {
    kv: &'a LaggedKv,
    location: usize,
    now: u64,
    ops: Cell<u64>,
}

impl LocationKv<'_> {
    /// Operations this invocation made (Workers allow 1000).
    pub fn ops(&self) -> u64 {
        self.ops.get()
    }

    /// The newest version this location sees now.
    fn visible<'v>(&self, versions: &'v [Version]) -> Option<&'v Version> {
        versions.iter().rev().find(|v| {
            v.visible_at
                .get(self.location)
                .is_some_and(|t| *t <= self.now)
        })
    }

    fn count(&self, f: impl FnOnce(&mut OpCounts)) {
        self.ops.set(self.ops.get() + 1);
        self.kv.count(f);
    }
}

impl Kv for LocationKv<'_> {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.count(|o| o.gets += 1);
        let keys = self.kv.keys.borrow();
        Ok(keys
            .get(key)
            .and_then(|versions| self.visible(versions))
            .map(|v| v.value.clone()))
    }

    async fn put(&self, key: &str, value: &str, metadata: Option<&Value>) -> Result<(), KvError> {
        self.count(|o| o.puts += 1);
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(KvError(format!(
                "key of {} bytes is outside 1..={MAX_KEY_BYTES}",
                key.len()
            )));
        }
        if let Some(size) = metadata.map(|m| m.to_string().len()) {
            if size > MAX_METADATA_BYTES {
                return Err(KvError(format!(
                    "metadata of {size} bytes exceeds {MAX_METADATA_BYTES}"
                )));
            }
        }
        let mut rng = self.kv.rng.borrow_mut();
        let visible_at = (0..self.kv.locations)
            .map(|l| self.now + self.kv.lag.draw(&mut rng, l == self.location))
            .collect();
        self.kv
            .keys
            .borrow_mut()
            .entry(key.to_owned())
            .or_default()
            .push(Version {
                value: value.to_owned(),
                metadata: metadata.cloned(),
                visible_at,
            });
        Ok(())
    }

    async fn list(
        &self,
        prefix: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<ListPage, KvError> {
        self.count(|o| o.lists += 1);
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
        let keys = self.kv.keys.borrow();
        let mut visible = keys
            .range::<String, _>((start, Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter_map(|(k, versions)| self.visible(versions).map(|v| (k, v)));
        let page: Vec<ListKey> = visible
            .by_ref()
            .take(limit)
            .map(|(k, v)| ListKey {
                name: k.clone(),
                metadata: v.metadata.clone(),
            })
            .collect();
        let complete = visible.next().is_none();
        let cursor = if complete {
            None
        } else {
            page.last().map(|k| k.name.clone())
        };
        Ok(ListPage {
            keys: page,
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
    fn each_location_sees_a_write_only_after_its_own_delay() -> Result<(), KvError> {
        let kv = LaggedKv::new(3, Lag::DOCUMENTED, Rng::new(1));
        block_on(kv.at(0, 1_000).put("c:1", "v", Some(&Value::Bool(true))))?;
        let mut reads = 0;
        for loc in 0..3 {
            let t = kv.visible_at("c:1", loc).ok_or(KvError("no key".into()))?;
            assert!((1_000..=61_000).contains(&t));
            if t > 1_000 {
                let before = kv.at(loc, t - 1);
                assert_eq!(block_on(before.get("c:1"))?, None);
                assert!(block_on(before.list("c:", 1000, None))?.keys.is_empty());
                reads += 1;
            }
            let after = kv.at(loc, t);
            assert_eq!(block_on(after.get("c:1"))?.as_deref(), Some("v"));
            let listed = block_on(after.list("c:", 1000, None))?;
            assert_eq!(listed.keys.len(), 1);
            assert_eq!(listed.keys[0].metadata, Some(Value::Bool(true)));
            reads += 1;
        }
        assert_eq!(
            kv.ops(),
            OpCounts {
                gets: reads,
                puts: 1,
                lists: reads
            }
        );
        Ok(())
    }

    #[test]
    fn lists_page_over_visible_keys_only() -> Result<(), KvError> {
        let kv = LaggedKv::new(1, Lag::NONE, Rng::new(1));
        let at = kv.at(0, 0);
        for i in 0..5 {
            block_on(at.put(&format!("p:{i}"), "", None))?;
        }
        block_on(at.put("q:0", "", None))?;
        let first = block_on(at.list("p:", 3, None))?;
        assert_eq!((first.keys.len(), first.complete), (3, false));
        let rest = block_on(at.list("p:", 3, first.cursor.as_deref()))?;
        assert_eq!((rest.keys.len(), rest.complete), (2, true));
        assert!(block_on(at.list("p:", 1001, None)).is_err());
        assert_eq!(at.ops(), 9);
        Ok(())
    }
}
