//! What the log's storage keeps in memory instead of SQL indexes (issue 16).
//!
//! Cloudflare bills a SQLite index entry as a row written, so a table with four indexes costs
//! five rows per comment; a row read costs a thousandth of that. The log's storage therefore
//! has no index but the sequence, and keeps this one in the object's memory: rebuilt from one
//! read of the hot rows (their small columns only) the first time a lookup needs it, then kept
//! current by every write, which only this object makes. About 120 bytes a comment: 6 MB for
//! the 50 000 hot comments.

use std::collections::{BTreeSet, HashMap};

use saywhatwant_wire::MessageType;

use super::store::{Direction, Filter};

#[derive(Debug, Clone, Copy)]
struct Stamp {
    seq: u64,
    ts: u64,
    kind: MessageType,
    domain: u32,
}

#[derive(Debug, Default)]
pub struct Index {
    ids: HashMap<Box<str>, u64>,
    /// In seq order, which is also timestamp order (the log never stamps backwards).
    rows: Vec<Stamp>,
    /// Domains are few: each is held once and named by its number.
    domains: Vec<Box<str>>,
    domain_numbers: HashMap<Box<str>, u32>,
    by_type: HashMap<MessageType, BTreeSet<u64>>,
    by_domain: HashMap<u32, BTreeSet<u64>>,
    by_both: HashMap<(MessageType, u32), BTreeSet<u64>>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn domain_number(&mut self, domain: &str) -> u32 {
        if let Some(n) = self.domain_numbers.get(domain) {
            return *n;
        }
        let n = self.domains.len() as u32;
        self.domains.push(domain.into());
        self.domain_numbers.insert(domain.into(), n);
        n
    }

    /// A row of the log. Rows arrive in seq order except when the index is rebuilt from
    /// segments read out of order, which `add` also accepts.
    pub fn add(&mut self, seq: u64, id: &str, ts: u64, kind: MessageType, domain: &str) {
        let domain = self.domain_number(domain);
        let stamp = Stamp {
            seq,
            ts,
            kind,
            domain,
        };
        match self.rows.last() {
            Some(last) if last.seq > seq => {
                let at = self.rows.partition_point(|s| s.seq < seq);
                self.rows.insert(at, stamp);
            }
            _ => self.rows.push(stamp),
        }
        self.ids.insert(id.into(), seq);
        self.by_type.entry(kind).or_default().insert(seq);
        self.by_domain.entry(domain).or_default().insert(seq);
        self.by_both.entry((kind, domain)).or_default().insert(seq);
    }

    /// The row `seq` (whose id is `id`) is gone from the log.
    pub fn remove(&mut self, seq: u64, id: &str) {
        if self.ids.get(id) == Some(&seq) {
            self.ids.remove(id);
        }
        let Ok(at) = self.rows.binary_search_by_key(&seq, |s| s.seq) else {
            return;
        };
        let s = self.rows.remove(at);
        for set in [
            self.by_type.get_mut(&s.kind),
            self.by_domain.get_mut(&s.domain),
            self.by_both.get_mut(&(s.kind, s.domain)),
        ]
        .into_iter()
        .flatten()
        {
            set.remove(&seq);
        }
    }

    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.ids.get(id).copied()
    }

    /// The seq of the newest row stamped at or before `ts` (strictly before when `strict`);
    /// 0 when there is none.
    pub fn last_stamped(&self, ts: u64, strict: bool) -> u64 {
        let n = self
            .rows
            .partition_point(|s| if strict { s.ts < ts } else { s.ts <= ts });
        n.checked_sub(1).map_or(0, |i| self.rows[i].seq)
    }

    /// The seqs with `after < seq < before` that pass `filter`, in `direction`, at most `limit`:
    /// only those, however rare the filter.
    pub fn seqs(
        &self,
        filter: &Filter,
        after: u64,
        before: u64,
        direction: Direction,
        limit: usize,
    ) -> Vec<u64> {
        if after.saturating_add(1) >= before {
            return Vec::new();
        }
        let domain = match &filter.domain {
            Some(d) => match self.domain_numbers.get(d.as_str()) {
                Some(n) => Some(*n),
                None => return Vec::new(),
            },
            None => None,
        };
        let set = match (filter.message_type, domain) {
            (Some(t), Some(d)) => self.by_both.get(&(t, d)),
            (Some(t), None) => self.by_type.get(&t),
            (None, Some(d)) => self.by_domain.get(&d),
            (None, None) => {
                let start = self.rows.partition_point(|s| s.seq <= after);
                let end = self.rows.partition_point(|s| s.seq < before);
                let span = self.rows.get(start..end).unwrap_or_default().iter();
                let seqs = span.map(|s| s.seq);
                return match direction {
                    Direction::OldestFirst => seqs.take(limit).collect(),
                    Direction::NewestFirst => seqs.rev().take(limit).collect(),
                };
            }
        };
        let Some(set) = set else {
            return Vec::new();
        };
        let span = set.range(after + 1..before).copied();
        match direction {
            Direction::OldestFirst => span.take(limit).collect(),
            Direction::NewestFirst => span.rev().take(limit).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Index {
        let mut ix = Index::default();
        for seq in 1..=20u64 {
            let kind = if seq % 2 == 0 {
                MessageType::Ai
            } else {
                MessageType::Human
            };
            let domain = if seq % 3 == 0 {
                "b.example"
            } else {
                "a.example"
            };
            ix.add(seq, &format!("c{seq}"), 1000 + seq * 10, kind, domain);
        }
        ix
    }

    #[test]
    fn a_filter_by_type_and_domain_walks_only_its_own_rows() {
        let ix = filled();
        let both = Filter {
            message_type: Some(MessageType::Ai),
            domain: Some("b.example".into()),
        };
        assert_eq!(
            ix.seqs(&both, 0, u64::MAX, Direction::OldestFirst, 10),
            vec![6, 12, 18]
        );
        assert_eq!(ix.seqs(&both, 6, 18, Direction::NewestFirst, 10), vec![12]);
        let unknown = Filter {
            message_type: None,
            domain: Some("c.example".into()),
        };
        assert!(ix
            .seqs(&unknown, 0, u64::MAX, Direction::OldestFirst, 10)
            .is_empty());
        assert_eq!(
            ix.seqs(&Filter::default(), 17, u64::MAX, Direction::NewestFirst, 2),
            vec![20, 19]
        );
    }

    #[test]
    fn removed_rows_leave_every_view() {
        let mut ix = filled();
        ix.remove(6, "c6");
        assert_eq!(ix.seq_of("c6"), None);
        let ai = Filter {
            message_type: Some(MessageType::Ai),
            domain: None,
        };
        assert_eq!(
            ix.seqs(&ai, 0, 9, Direction::OldestFirst, 10),
            vec![2, 4, 8]
        );
        assert_eq!(ix.last_stamped(1065, false), 5);
        assert_eq!(ix.len(), 19);
    }

    #[test]
    fn stamps_find_the_newest_at_or_before_a_time() {
        let ix = filled();
        assert_eq!(ix.last_stamped(1050, false), 5);
        assert_eq!(ix.last_stamped(1050, true), 4);
        assert_eq!(ix.last_stamped(5, false), 0);
        assert_eq!(ix.last_stamped(u64::MAX, false), 20);
        assert_eq!(ix.seq_of("c7"), Some(7));
    }

    #[test]
    fn rows_added_out_of_order_are_kept_in_seq_order() {
        let mut ix = Index::default();
        ix.add(3000, "late", 30, MessageType::Human, "a");
        ix.add(10, "early", 1, MessageType::Human, "a");
        assert_eq!(
            ix.seqs(&Filter::default(), 0, u64::MAX, Direction::OldestFirst, 5),
            vec![10, 3000]
        );
        assert_eq!(ix.last_stamped(2, false), 10);
    }
}
