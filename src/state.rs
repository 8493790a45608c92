//! The signals the view reads. Only `sync` writes the data ones; the view writes the viewport
//! (where the reader is) and the draft (what they type).

use std::sync::Arc;

use leptos::prelude::*;
use saywhatwant_wire::Comment;

use crate::model::alerts::Alerts;
use crate::model::conversation::Conversation;
use crate::model::draft::Outgoing;
use crate::model::filter::{Channel, Lens};
use crate::model::poll::Status;
use crate::model::push::Via;
use crate::model::scroll::Anchor;
use crate::model::timeline::Timeline;
use crate::model::viewport::Viewport;

#[derive(Clone, Copy)]
pub struct StreamState {
    pub timeline: RwSignal<Timeline>,
    /// What the reader chose to see: channel, filters, search.
    pub lens: RwSignal<Lens>,
    /// The timeline as the lens shows it; the viewport is a window over this. Kept up to date
    /// by [`StreamState::update_timeline`] and [`StreamState::set_lens`] (a memo would cost
    /// more of the download).
    shown: RwSignal<Timeline>,
    pub viewport: RwSignal<Viewport>,
    /// Posts not yet confirmed by the server, oldest first.
    pub outbox: RwSignal<Vec<Outgoing>>,
    pub status: RwSignal<Status>,
    /// Whether the live channel or polling keeps the page current.
    pub via: RwSignal<Via>,
    /// Said once: IndexedDB is not working.
    pub notice: RwSignal<Option<&'static str>>,
    /// The clock relative times are measured against; ticks slowly.
    pub now: RwSignal<u64>,
    pub loading_older: RwSignal<bool>,
    /// Nothing older than the first row exists in this browser.
    pub history_start: RwSignal<bool>,
    /// The text being written (a failed post can be put back into it).
    pub draft: RwSignal<String>,
    /// The row at the top of the view as of the reader's last scroll.
    pub anchor: StoredValue<Option<Anchor>>,
    /// Where the reader was in each channel (Both, Human, AI), to come back to.
    places: StoredValue<[(Viewport, Option<Anchor>); 3]>,
    /// Comments in this browser's IndexedDB, and in the whole stream (from the cursor).
    pub counts: RwSignal<(Option<u32>, Option<u64>)>,
    /// Pages open on the stream, as the live channel last said (`None` without it).
    pub online: RwSignal<Option<u64>>,
    /// Whom the link says the reader talks with (`entity`, `ais`, ...), kept in the hash.
    pub conversation: RwSignal<Option<Conversation>>,
    /// The reader's colour (`RRRGGGBBB`): their posts' and the page's tint.
    pub me: RwSignal<String>,
    /// Whether the video drawer is open.
    pub drawer_open: RwSignal<bool>,
    /// The filter chips' alerts, and which chips are marked.
    pub alerts: RwSignal<Alerts>,
    /// The comments the last frame or poll brought that the page had not seen (not the first
    /// load's, not the reader's own): what alerts listen to.
    pub arrivals: RwSignal<Vec<Comment>>,
}

impl StreamState {
    pub fn new(now: u64, draft: String) -> Self {
        let timeline = RwSignal::new(Timeline::new());
        let lens = RwSignal::new(Lens::default());
        let shown = RwSignal::new(Timeline::new());
        StreamState {
            timeline,
            shown,
            lens,
            viewport: RwSignal::new(Viewport::Following),
            outbox: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Connecting),
            via: RwSignal::new(Via::Poll),
            notice: RwSignal::new(None),
            now: RwSignal::new(now),
            loading_older: RwSignal::new(false),
            history_start: RwSignal::new(false),
            draft: RwSignal::new(draft),
            anchor: StoredValue::new(None),
            places: StoredValue::new(Default::default()),
            counts: RwSignal::new((None, None)),
            online: RwSignal::new(None),
            conversation: RwSignal::new(None),
            me: RwSignal::new(String::new()),
            drawer_open: RwSignal::new(false),
            alerts: RwSignal::new(Alerts::default()),
            arrivals: RwSignal::new(Vec::new()),
        }
    }

    /// Changes what the reader sees, and shows the newest matching comments; another channel
    /// comes back where the reader left it.
    pub fn set_lens(&self, next: Lens) {
        let (from, to) = (self.channel(), next.channel);
        let mut place = (Viewport::Following, None);
        if from != to {
            let here = (self.viewport.get_untracked(), self.anchor.get_value());
            self.places.update_value(|p| {
                p[from as usize] = here;
                place = std::mem::take(&mut p[to as usize]);
            });
        }
        self.lens.set(next);
        self.refresh_shown();
        self.anchor.set_value(place.1);
        self.viewport.set(place.0);
    }

    /// Every change of the timeline goes through here, so the shown one follows.
    pub fn update_timeline(&self, change: impl FnOnce(&mut Timeline)) {
        self.timeline.try_update(change);
        self.refresh_shown();
    }

    fn refresh_shown(&self) {
        let shown = self.lens.try_with_untracked(|l| {
            self.timeline
                .with_untracked(|t| narrow(l, t).unwrap_or_else(|| t.clone()))
        });
        if let Some(shown) = shown {
            self.shown.try_set(shown);
        }
    }

    /// The timeline as the lens shows it (the viewport is a window over this), tracked.
    pub fn with_shown<R>(&self, f: impl FnOnce(&Timeline) -> R) -> R {
        self.shown.with(f)
    }

    pub fn track_shown(&self) {
        self.shown.track();
    }

    pub fn with_shown_untracked<R>(&self, f: impl FnOnce(&Timeline) -> R) -> R {
        self.shown.with_untracked(f)
    }

    /// A comment the reader can see, by id (unsent posts are not in it).
    pub fn shown_comment(&self, id: &str) -> Option<Arc<Comment>> {
        self.with_shown_untracked(|t| t.find(id).cloned())
    }

    pub fn channel(&self) -> Channel {
        self.lens.with_untracked(|l| l.channel)
    }
}

/// `None` when the lens shows everything (the timeline itself then).
fn narrow(l: &Lens, t: &Timeline) -> Option<Timeline> {
    (!l.shows_all()).then(|| t.filtered(|c| l.shows(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::tests::comment;

    #[test]
    fn each_channel_comes_back_where_the_reader_left_it() {
        let owner = Owner::new();
        owner.set();
        let s = StreamState::new(0, String::new());
        s.update_timeline(|t| {
            t.merge((0..50).map(|i| comment(i, &format!("c{i}"))));
        });
        s.viewport
            .update(|v| s.with_shown_untracked(|t| v.freeze(t, 10)));
        let reading = s.viewport.get_untracked();
        assert!(!reading.is_following());
        let here = Anchor {
            id: "c41".into(),
            offset: -3.0,
        };
        s.anchor.set_value(Some(here.clone()));

        let human = |channel| Lens {
            channel,
            ..s.lens.get_untracked()
        };
        s.set_lens(human(Channel::Human));
        assert!(
            s.viewport.get_untracked().is_following(),
            "a new channel starts at the newest"
        );
        assert_eq!(s.anchor.get_value(), None);
        s.set_lens(human(Channel::All));
        assert_eq!(s.viewport.get_untracked(), reading);
        assert_eq!(s.anchor.get_value(), Some(here));

        let mut filtered = s.lens.get_untracked();
        filtered.search = "c4".into();
        s.set_lens(filtered);
        assert!(
            s.viewport.get_untracked().is_following(),
            "a new search or filter shows the newest matches"
        );
    }
}
