//! The newest comments of the log, held in the object's memory so that polls, the bot's poll
//! and new sockets read no storage rows at all.

use std::collections::{HashMap, VecDeque};

use super::store::{Entry, Filter};

/// How many of the newest comments stay in memory: every poll within the last this-many
/// comments costs no storage rows. About 1 MB at 500 bytes a comment.
pub const TAIL_CAP: usize = 2000;

/// And at most about this many bytes of comment data: a comment may carry up to 48 KiB of
/// conversation context, and 2 000 of those would not fit the object's 128 MB. Past this the
/// oldest go (reads reach them in storage, through the index), whatever the count.
pub const TAIL_BYTES_CAP: usize = 8 * 1024 * 1024;

/// What an entry holds in memory, roughly: its strings plus the struct and map overhead.
pub(super) fn weight(e: &Entry) -> usize {
    let c = &e.comment;
    let strings = [
        Some(&c.id),
        Some(&c.text),
        c.username.as_ref(),
        c.color.as_ref(),
        Some(&c.domain),
        Some(&c.language),
        Some(&c.misc),
        c.reply_to.as_ref(),
    ];
    let params = c.bot_params.as_ref().map_or(0, |b| {
        [&b.entity, &b.model, &b.ais]
            .iter()
            .filter_map(|s| s.as_ref().map(String::len))
            .sum::<usize>()
    });
    let context = c
        .context
        .as_ref()
        .map_or(0, |lines| lines.iter().map(|l| l.len() + 24).sum::<usize>());
    256 + strings.iter().flatten().map(|s| s.len()).sum::<usize>() + params + context
}

/// Every entry of the log from `first` to the head, in seq order (the gaps are comments taken
/// down or pruned, which storage does not hold either).
#[derive(Debug, Default)]
pub struct Tail {
    entries: VecDeque<Entry>,
    ids: HashMap<String, u64>,
    cap: usize,
    bytes: usize,
    /// Nothing older exists: storage never needs asking for what the tail lacks.
    whole: bool,
}

impl Tail {
    /// `newest` in log order (oldest first); only the last `cap` are kept. `whole`: these are
    /// all the log holds.
    pub fn new(cap: usize, newest: Vec<Entry>, whole: bool) -> Self {
        let mut tail = Tail {
            entries: VecDeque::with_capacity(cap.min(newest.len()) + 1),
            ids: HashMap::new(),
            cap,
            bytes: 0,
            whole,
        };
        for e in newest {
            tail.push(e);
        }
        tail
    }

    /// Whether the tail holds every comment of the log.
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// The seq of the oldest entry held (`None` when empty).
    pub fn first_seq(&self) -> Option<u64> {
        self.entries.front().map(|e| e.seq)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn push(&mut self, entry: Entry) {
        debug_assert!(self.entries.back().is_none_or(|last| last.seq < entry.seq));
        self.ids.insert(entry.comment.id.clone(), entry.seq);
        self.bytes += weight(&entry);
        self.entries.push_back(entry);
        // The newest entry always stays, so the tail is never empty after a push.
        while self.entries.len() > self.cap
            || (self.bytes > TAIL_BYTES_CAP && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= weight(&old);
                self.ids.remove(&old.comment.id);
                self.whole = false;
            }
        }
    }

    /// Takes an entry out (it was taken down); `None` when the tail does not hold it.
    pub fn remove(&mut self, seq: u64) -> Option<Entry> {
        let i = self.index(seq)?;
        let old = self.entries.remove(i)?;
        self.bytes -= weight(&old);
        self.ids.remove(&old.comment.id);
        Some(old)
    }

    /// Forgets the entries before `seq` (retention deleted them from storage).
    pub fn drop_before(&mut self, seq: u64) {
        while self.entries.front().is_some_and(|e| e.seq < seq) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= weight(&old);
                self.ids.remove(&old.comment.id);
            }
        }
    }

    /// About how many bytes the held comments take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn index(&self, seq: u64) -> Option<usize> {
        self.entries.binary_search_by_key(&seq, |e| e.seq).ok()
    }

    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.ids
            .get(id)
            .and_then(|seq| self.index(*seq))
            .map(|i| &self.entries[i])
    }

    /// Replaces a held entry's comment (after a PATCH); entries not held are left alone.
    pub fn update(&mut self, entry: &Entry) {
        if let Some(i) = self.index(entry.seq) {
            self.bytes = self.bytes - weight(&self.entries[i]) + weight(entry);
            self.entries[i] = entry.clone();
        }
    }

    /// Held entries after `after` that pass `filter`, oldest first (borrowed: the caller
    /// copies only what it keeps).
    pub fn after_iter<'a>(
        &'a self,
        after: u64,
        filter: &'a Filter,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        let start = self.entries.partition_point(|e| e.seq <= after);
        self.entries
            .range(start..)
            .filter(move |e| filter.matches(&e.comment))
    }

    /// The newest held entries that pass `filter`, newest first (borrowed).
    pub fn newest_iter<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .rev()
            .filter(move |e| filter.matches(&e.comment))
    }

    /// The seq of the newest held entry stamped at or before `ts` (strictly before when
    /// `strict`), when the tail reaches back that far: `None` means "look in storage".
    pub fn last_stamped(&self, ts: u64, strict: bool) -> Option<u64> {
        let first = self.entries.front()?;
        let older = |t: u64| if strict { t < ts } else { t <= ts };
        if !older(first.comment.timestamp) {
            return None;
        }
        let n = self.entries.partition_point(|e| older(e.comment.timestamp));
        Some(self.entries[n - 1].seq)
    }
}
