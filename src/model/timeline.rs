//! Every comment the page knows, once each, in the stream's order (oldest first).
//!
//! Comments arrive from four places that overlap: the cached bulk load, IndexedDB, fresh polls
//! and the answers to our own posts. Merging is the one place where they become a single list,
//! so de-duplication and ordering live here and nowhere else.

use std::cmp::Ordering;
use std::sync::Arc;

use saywhatwant_wire::{chrono_cmp, Comment};

/// How many taken-down ids a page remembers (far more than are ever taken down at once).
const MAX_TAKEN_DOWN: usize = 1_000;

/// A place in the stream: the comment with this timestamp and id, compared exactly as
/// [`chrono_cmp`] orders comments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pos {
    pub timestamp: u64,
    pub id: String,
}

impl Pos {
    pub fn of(c: &Comment) -> Self {
        Pos {
            timestamp: c.timestamp,
            id: c.id.clone(),
        }
    }

    /// Where `c` stands relative to this place: `Less` when it comes earlier in the stream.
    pub fn locate(&self, c: &Comment) -> Ordering {
        c.timestamp
            .cmp(&self.timestamp)
            .then_with(|| self.id.as_str().cmp(c.id.as_str()))
    }
}

/// The one sort of the app (ids are unique here, so an unstable sort is exact); one function
/// rather than a closure per call site keeps a single copy of the sort in the wasm.
fn by_time(a: &Arc<Comment>, b: &Arc<Comment>) -> Ordering {
    chrono_cmp(a, b)
}

/// Sorted, and an id appears once. A comment's place never changes (the server sets its time
/// once), so finding it by position is finding it by id: no separate index of ids is needed.
#[derive(Debug, Default, Clone)]
pub struct Timeline {
    items: Vec<Arc<Comment>>,
    /// Ids taken down while the page is open. A read of IndexedDB made before their deletion
    /// still returns them; [`Timeline::merge_kept`] keeps them out. The server's word (a
    /// restore) lifts it.
    taken_down: Vec<String>,
}

impl Timeline {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[Arc<Comment>] {
        &self.items
    }

    /// Whether the comment at `pos` is here.
    pub fn contains(&self, pos: &Pos) -> bool {
        self.items
            .get(self.index_of(pos))
            .is_some_and(|c| pos.locate(c).is_eq())
    }

    pub fn oldest(&self) -> Option<&Arc<Comment>> {
        self.items.first()
    }

    /// How many comments come before `pos` (so `pos` itself, if present, is at that index).
    pub fn index_of(&self, pos: &Pos) -> usize {
        self.items
            .partition_point(|c| pos.locate(c) == Ordering::Less)
    }

    /// Adds what is new and replaces what changed (a bot may mark a comment processed).
    /// Returns how many comments were not known before.
    pub fn merge(&mut self, incoming: impl IntoIterator<Item = Comment>) -> usize {
        let mut fresh: Vec<Arc<Comment>> = Vec::new();
        for c in incoming {
            if !self.taken_down.is_empty() {
                self.taken_down.retain(|id| *id != c.id);
            }
            match self.items.binary_search_by(|x| chrono_cmp(x, &c)) {
                Ok(i) => {
                    if *self.items[i] != c {
                        self.items[i] = Arc::new(c);
                    }
                }
                Err(_) => fresh.push(Arc::new(c)),
            }
        }
        fresh.sort_unstable_by(by_time);
        // The same comment twice in one batch sits side by side once sorted.
        fresh.dedup_by(|a, b| a.id == b.id);
        let added = fresh.len();
        let Some(first) = fresh.first() else {
            return 0;
        };
        let appends = self
            .items
            .last()
            .is_none_or(|last| chrono_cmp(last, first) == Ordering::Less);
        self.items.extend(fresh);
        // Polls almost always bring only newer comments; only then is the list still sorted.
        if !appends {
            self.items.sort_unstable_by(by_time);
        }
        added
    }

    /// Merges what IndexedDB kept, less what was taken down since that read began.
    pub fn merge_kept(&mut self, mut kept: Vec<Comment>) -> usize {
        kept.retain(|c| !self.taken_down.contains(&c.id));
        self.merge(kept)
    }

    /// The comments `keep` says yes to, shared with this timeline (so still in order).
    pub fn filtered(&self, keep: impl Fn(&Comment) -> bool) -> Timeline {
        let mut items = Vec::new();
        for c in &self.items {
            if keep(c) {
                items.push(c.clone());
            }
        }
        Timeline {
            items,
            taken_down: Vec::new(),
        }
    }

    /// Takes out the comments with these ids (the operator took them down), and keeps them
    /// out of later reads of IndexedDB; how many went.
    pub fn remove(&mut self, ids: &[String]) -> usize {
        let before = self.items.len();
        self.items.retain(|c| !ids.contains(&c.id));
        for id in ids {
            if !self.taken_down.contains(id) {
                self.taken_down.push(id.clone());
            }
        }
        // Removals are rare; a page open for weeks still only remembers the newest ones.
        let over = self.taken_down.len().saturating_sub(MAX_TAKEN_DOWN);
        self.taken_down.drain(..over);
        before - self.items.len()
    }

    /// Finds a comment by id (a linear scan: for clicks, not for loops).
    pub fn find(&self, id: &str) -> Option<&Arc<Comment>> {
        self.items.iter().find(|c| c.id == id)
    }

    /// Forgets all but the newest `keep` comments (they stay in IndexedDB).
    pub fn keep_newest(&mut self, keep: usize) {
        let cut = self.items.len().saturating_sub(keep);
        self.items.drain(..cut);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use saywhatwant_wire::MessageType;

    pub fn comment(ts: u64, id: &str) -> Comment {
        Comment {
            id: id.into(),
            text: format!("text of {id}"),
            timestamp: ts,
            username: Some("ann".into()),
            color: Some("200100050".into()),
            domain: "example.org".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: None,
            bot_params: None,
            reply_to: None,
        }
    }

    fn ids(t: &Timeline) -> Vec<&str> {
        t.items().iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn a_read_of_indexeddb_that_began_before_a_takedown_does_not_bring_it_back() {
        let mut t = Timeline::new();
        t.merge([comment(1, "a"), comment(2, "gone")]);
        assert_eq!(t.remove(&["gone".to_owned()]), 1);
        // History read before the deletion reached IndexedDB: it still holds "gone".
        assert_eq!(
            t.merge_kept(vec![comment(2, "gone"), comment(0, "older")]),
            1
        );
        assert_eq!(ids(&t), ["older", "a"]);
        // The operator restores it: the server's word brings it back, and later reads keep it.
        assert_eq!(t.merge([comment(2, "gone")]), 1);
        t.keep_newest(0);
        assert_eq!(t.merge_kept(vec![comment(1, "a"), comment(2, "gone")]), 2);
        assert_eq!(ids(&t), ["a", "gone"]);
    }

    #[test]
    fn merges_overlapping_sources_once_each_in_order() {
        let mut t = Timeline::new();
        // Bulk load, then IndexedDB's older history overlapping it, then a poll.
        assert_eq!(t.merge([comment(20, "c"), comment(30, "d")]), 2);
        assert_eq!(
            t.merge([comment(10, "a"), comment(20, "c"), comment(15, "b")]),
            2
        );
        assert_eq!(t.merge([comment(30, "d"), comment(40, "e")]), 1);
        assert_eq!(ids(&t), ["a", "b", "c", "d", "e"]);
        assert_eq!(t.len(), 5);
    }

    #[test]
    fn a_batch_with_repeats_inside_it_counts_once() {
        let mut t = Timeline::new();
        assert_eq!(
            t.merge([comment(1, "x"), comment(2, "y"), comment(1, "x")]),
            2
        );
        assert_eq!(ids(&t), ["x", "y"]);
    }

    #[test]
    fn equal_timestamps_follow_the_shared_order() {
        let mut t = Timeline::new();
        t.merge([comment(5, "a"), comment(5, "c")]);
        t.merge([comment(5, "b"), comment(4, "z")]);
        // Ties go by id descending, as the worker's cursor expects.
        assert_eq!(ids(&t), ["z", "c", "b", "a"]);
    }

    #[test]
    fn a_changed_copy_replaces_the_old_one() {
        let mut t = Timeline::new();
        t.merge([comment(1, "a"), comment(2, "b")]);
        let mut edited = comment(1, "a");
        edited.misc = "processed".into();
        assert_eq!(t.merge([edited]), 0);
        assert_eq!(t.items()[0].misc, "processed");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn index_of_finds_positions_between_ties() {
        let mut t = Timeline::new();
        t.merge([
            comment(5, "c"),
            comment(5, "a"),
            comment(7, "x"),
            comment(3, "q"),
        ]);
        // order: q(3) c(5) a(5) x(7)
        assert_eq!(t.index_of(&Pos::of(&comment(5, "a"))), 2);
        assert_eq!(t.index_of(&Pos::of(&comment(5, "b"))), 2);
        assert_eq!(t.index_of(&Pos::of(&comment(5, "d"))), 1);
        assert_eq!(t.index_of(&Pos::of(&comment(1, "a"))), 0);
        assert_eq!(t.index_of(&Pos::of(&comment(9, "a"))), 4);
    }

    #[test]
    fn pos_agrees_with_chrono_cmp() {
        let all = [
            comment(1, "b"),
            comment(2, "a"),
            comment(2, "b"),
            comment(3, "a"),
        ];
        for a in &all {
            for b in &all {
                assert_eq!(
                    Pos::of(a).locate(b),
                    chrono_cmp(b, a),
                    "{} vs {}",
                    a.id,
                    b.id
                );
            }
        }
    }

    #[test]
    fn a_filtered_view_shares_the_rows_in_order() {
        let mut t = Timeline::new();
        t.merge((0..6).map(|i| comment(i, &format!("c{i}"))));
        let even = t.filtered(|c| c.timestamp % 2 == 0);
        assert_eq!(ids(&even), ["c0", "c2", "c4"]);
        assert!(Arc::ptr_eq(&even.items()[1], &t.items()[2]));
        assert_eq!(t.find("c3").map(|c| c.timestamp), Some(3));
        assert!(t.find("nope").is_none());
    }

    #[test]
    fn keep_newest_forgets_ids_so_they_can_come_back() {
        let mut t = Timeline::new();
        t.merge((0..10).map(|i| comment(i, &format!("c{i}"))));
        t.keep_newest(3);
        assert_eq!(ids(&t), ["c7", "c8", "c9"]);
        assert!(!t.contains(&Pos::of(&comment(0, "c0"))));
        assert!(t.contains(&Pos::of(&comment(7, "c7"))));
        // Scrolling back re-reads them from IndexedDB.
        assert_eq!(t.merge([comment(0, "c0")]), 1);
        assert_eq!(t.oldest().map(|c| c.id.as_str()), Some("c0"));
    }
}
