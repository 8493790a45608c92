//! Which part of the timeline is in the DOM.
//!
//! At most `window` rows are rendered however long the history is. While the reader sits at
//! the bottom the window follows the newest comments; once they scroll up it freezes on the
//! comments they are reading, so new arrivals neither render nor move the view, and only add
//! to the "N new messages" count.

use std::ops::Range;

use crate::model::timeline::{Pos, Timeline};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Viewport {
    #[default]
    Following,
    /// The rows from `top` to `bottom`, both included.
    Frozen { top: Pos, bottom: Pos },
}

impl Viewport {
    pub fn is_following(&self) -> bool {
        matches!(self, Viewport::Following)
    }

    /// The rendered rows, as indexes into `t`.
    pub fn range(&self, t: &Timeline, window: usize) -> Range<usize> {
        match self {
            Viewport::Following => t.len().saturating_sub(window)..t.len(),
            Viewport::Frozen { top, bottom } => {
                let start = t.index_of(top);
                let end = t.index_of(bottom) + usize::from(t.contains(bottom));
                let end = end.max(start);
                // Comments merged into the middle may widen the range; keep the top in place.
                start..end.min(start + window)
            }
        }
    }

    /// Comments newer than the rendered ones.
    pub fn unseen(&self, t: &Timeline, window: usize) -> usize {
        match self {
            Viewport::Following => 0,
            Viewport::Frozen { .. } => t.len() - self.range(t, window).end,
        }
    }

    /// The reader left the bottom: stop following.
    pub fn freeze(&mut self, t: &Timeline, window: usize) {
        if self.is_following() {
            *self = Self::frozen(t, self.range(t, window));
        }
    }

    /// The reader reached the top: show up to `chunk` older rows, dropping rows at the bottom
    /// to stay within `window`. False when memory holds nothing older (read IndexedDB then).
    pub fn older(&mut self, t: &Timeline, window: usize, chunk: usize) -> bool {
        let r = self.range(t, window);
        if r.start == 0 {
            return false;
        }
        let start = r.start.saturating_sub(chunk);
        let end = r.end.min(start + window);
        *self = Self::frozen(t, start..end);
        true
    }

    /// The reader reached the bottom: show newer rows, and follow again once the newest are in.
    pub fn newer(&mut self, t: &Timeline, window: usize, chunk: usize) {
        let r = self.range(t, window);
        if r.end >= t.len() {
            *self = Viewport::Following;
            return;
        }
        let end = (r.end + chunk).min(t.len());
        let start = r.start.max(end.saturating_sub(window));
        *self = Self::frozen(t, start..end);
    }

    fn frozen(t: &Timeline, r: Range<usize>) -> Self {
        let items = t.items();
        match (
            items.get(r.start),
            r.end.checked_sub(1).and_then(|i| items.get(i)),
        ) {
            (Some(top), Some(bottom)) if r.start < r.end => Viewport::Frozen {
                top: Pos::of(top),
                bottom: Pos::of(bottom),
            },
            _ => Viewport::Following,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::tests::comment;

    fn timeline(n: u64) -> Timeline {
        let mut t = Timeline::new();
        t.merge((0..n).map(|i| comment(100 + i * 10, &format!("c{i}"))));
        t
    }

    #[test]
    fn following_renders_the_newest_window() {
        let t = timeline(10);
        assert_eq!(Viewport::Following.range(&t, 4), 6..10);
        assert_eq!(Viewport::Following.range(&timeline(2), 4), 0..2);
        assert_eq!(Viewport::Following.unseen(&t, 4), 0);
    }

    #[test]
    fn a_frozen_view_ignores_new_comments_but_counts_them() {
        let mut t = timeline(10);
        let mut v = Viewport::Following;
        v.freeze(&t, 4);
        t.merge([comment(500, "n1"), comment(501, "n2")]);
        assert_eq!(v.range(&t, 4), 6..10);
        assert_eq!(v.unseen(&t, 4), 2);
    }

    #[test]
    fn scrolling_up_slides_the_window_and_keeps_it_bounded() {
        let t = timeline(10);
        let mut v = Viewport::Following;
        v.freeze(&t, 4);
        assert!(v.older(&t, 4, 3));
        assert_eq!(v.range(&t, 4), 3..7);
        assert!(v.older(&t, 4, 3));
        assert_eq!(v.range(&t, 4), 0..4);
        assert!(!v.older(&t, 4, 3), "nothing older in memory");
        assert_eq!(v.unseen(&t, 4), 6);
    }

    #[test]
    fn scrolling_down_returns_to_following() {
        let t = timeline(10);
        let mut v = Viewport::Following;
        v.freeze(&t, 4);
        v.older(&t, 4, 3);
        v.older(&t, 4, 3);
        v.newer(&t, 4, 3);
        assert_eq!(v.range(&t, 4), 3..7);
        v.newer(&t, 4, 3);
        assert_eq!(v.range(&t, 4), 6..10);
        assert!(
            !v.is_following(),
            "the last rows are in, but the reader is not there yet"
        );
        v.newer(&t, 4, 3);
        assert!(v.is_following());
    }

    #[test]
    fn older_history_merged_below_the_window_keeps_the_rows_in_view() {
        let mut t = timeline(10);
        let mut v = Viewport::Following;
        v.freeze(&t, 4);
        v.older(&t, 4, 6);
        assert_eq!(v.range(&t, 4), 0..4);
        // Scrolling back loads older comments from IndexedDB; the same rows stay rendered.
        t.merge([comment(1, "old1"), comment(2, "old2")]);
        assert_eq!(v.range(&t, 4), 2..6);
        assert!(v.older(&t, 4, 6));
        assert_eq!(v.range(&t, 4), 0..4);
    }

    #[test]
    fn freezing_an_empty_timeline_keeps_following() {
        let mut v = Viewport::Following;
        v.freeze(&Timeline::new(), 4);
        assert!(v.is_following());
    }
}
