//! The data flow: network → IndexedDB → signals. One bulk load, history from IndexedDB, then
//! the live channel or fresh polls (`follow.rs`), one request at a time; plus the posts the
//! person sends.
//!
//! The only code of the page that talks to the network (`api`: requests, `socket`: the live
//! channel), IndexedDB (`store`: the database, `persist`: what is kept and pruned) and
//! localStorage (`prefs`); `codec` turns the wire format into values and back, `wake` hears the
//! browser's online and visibility events; `inbox` is what they and the socket tell the follow
//! loop.

pub mod api;
pub mod codec;
mod follow;
mod idb;
pub mod inbox;
pub mod persist;
mod posting;
pub mod prefs;
pub mod socket;
pub mod store;
pub mod wake;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use saywhatwant_wire::{BotParams, Comment};
use wasm_bindgen_futures::spawn_local;

use crate::browser::random_bytes;
use crate::config::{Settings, DEFAULT_ENTITY};
use crate::model::conversation::{context, steer, Row};
use crate::model::draft::{client_id, Outgoing, SendState};
use crate::model::filter::needle;
use crate::model::timeline::Pos;
use crate::state::StreamState;
use crate::sync::api::Api;
use crate::sync::inbox::{Inbox, Signal};
use crate::sync::persist::Persist;
use crate::sync::prefs::Prefs;

pub const REPORTED: &str = "Reported to the operator. Thank you.";
pub const REPORT_FAILED: &str = "The report could not be sent. Try again in a moment.";

/// The running stream. Cheap to clone; [`Stream::stop`] ends its loops.
#[derive(Clone)]
pub struct Stream(Rc<Inner>);

struct Inner {
    settings: Settings,
    api: Api,
    state: StreamState,
    prefs: Prefs,
    persist: Rc<Persist>,
    alive: Cell<bool>,
    /// The page has caught up once since its first load (for the channel it shows): from then
    /// on, what arrives is new to the reader (`follow::heard`).
    caught_up: Cell<bool>,
    /// The follow loop's inbox: wake-ups and the live channel's events.
    inbox: Inbox,
    /// The live channel the follow loop holds, for posts (`posting.rs`).
    channel: RefCell<Option<web_sys::WebSocket>>,
    /// Posts sent on the channel and waiting for its answer, each with its waiter.
    acks: RefCell<Vec<(String, Inbox)>>,
}

impl Stream {
    pub fn start(settings: Settings, state: StreamState, prefs: Prefs) -> Stream {
        let inbox = Inbox::default();
        let (notice, counts) = (state.notice, state.counts);
        let persist = Persist::new(
            settings.store_cap,
            settings.store_bytes_cap,
            move |msg| {
                notice.try_set(Some(msg));
            },
            move |n| {
                counts.try_update(|c| c.0 = Some(n));
            },
        );
        let inner = Rc::new(Inner {
            api: Api::new(&settings.api_base, settings.request_timeout_ms),
            settings,
            state,
            prefs,
            persist,
            alive: Cell::new(true),
            caught_up: Cell::new(false),
            inbox,
            channel: RefCell::new(None),
            acks: RefCell::new(Vec::new()),
        });
        let stream = Stream(inner);
        spawn_local(stream.clone().follow(stream.0.inbox.clone()));
        spawn_local(stream.clone().load_history());
        stream.resend_saved_posts();
        stream
    }

    /// Ends following at once; nothing is written to the signals afterwards.
    pub fn stop(&self) {
        self.0.alive.set(false);
        self.0.inbox.close();
    }

    /// Follows at once (the reader chose another channel).
    pub fn wake(&self) {
        self.0.inbox.send(Signal::Poke);
    }

    fn alive(&self) -> bool {
        self.0.alive.get()
    }

    /// Takes comments from the server: saved first, then shown. (A comment the operator
    /// restores comes back this way.)
    fn receive(&self, comments: Vec<Comment>) {
        if comments.is_empty() || !self.alive() {
            return;
        }
        self.0.persist.save(comments.clone());
        let s = &self.0.state;
        let ids: Vec<String> = comments.iter().map(|c| c.id.clone()).collect();
        s.update_timeline(|t| {
            t.merge(comments);
        });
        self.seen(&ids);
        // While following the newest, memory keeps a bounded tail; the rest is in IndexedDB.
        // (Not while searching: the matches read from IndexedDB would go again.)
        if s.viewport.try_with_untracked(|v| v.is_following()) == Some(true)
            && s.lens.try_with_untracked(|l| l.search.is_empty()) == Some(true)
            && s.timeline.try_with_untracked(|t| t.len()).unwrap_or(0) > self.0.settings.memory_rows
        {
            let keep = self.0.settings.window_rows + self.0.settings.chunk_rows;
            s.update_timeline(|t| t.keep_newest(keep));
            s.history_start.try_set(false);
        }
    }

    /// The operator took these down: out of the view and out of IndexedDB. IndexedDB runs
    /// transactions in the order they are made, so a read begun after this never sees them;
    /// one already under way (history read while the first load's catch-up arrives) still
    /// returns them, and the timeline keeps them out of its merge.
    fn drop_removed(&self, ids: Vec<String>) {
        if ids.is_empty() || !self.alive() {
            return;
        }
        self.0.state.update_timeline(|t| {
            t.remove(&ids);
        });
        self.0.persist.forget(ids);
    }

    /// Searches what is shown, and brings the newest matches from all of IndexedDB into memory
    /// (where the lens shows them).
    pub fn search(&self, typed: &str) {
        let s = self.0.state;
        let mut lens = s.lens.get_untracked();
        let needle = needle(typed);
        if lens.search == needle {
            return;
        }
        lens.search = needle.clone();
        s.set_lens(lens);
        let Some(store) = self.0.persist.store().filter(|_| !needle.is_empty()) else {
            return;
        };
        let this = self.clone();
        spawn_local(async move {
            // The next keystroke's search replaces this one, which stops within a step.
            let current = || s.lens.try_with_untracked(|l| l.search == needle) == Some(true);
            let found = store
                .search(&needle, this.0.settings.window_rows, current)
                .await;
            match found {
                Ok(Some(found)) if current() => s.update_timeline(|t| {
                    t.merge_kept(found);
                }),
                Ok(_) => {}
                Err(e) => web_sys::console::warn_1(&e.to_string().into()),
            }
        });
    }

    async fn load_history(self) {
        let settings = &self.0.settings;
        let Some(store) = self
            .0
            .persist
            .open(&settings.db_name, settings.store_open_timeout_ms)
            .await
        else {
            self.0.state.history_start.try_set(true);
            return;
        };
        match store.newest(self.0.settings.window_rows as u32).await {
            Ok(history) => {
                let few = history.len() < self.0.settings.window_rows;
                if self.alive() {
                    let s = &self.0.state;
                    s.update_timeline(|t| {
                        t.merge_kept(history);
                    });
                    s.history_start.try_set(few);
                }
            }
            Err(e) => web_sys::console::warn_1(&e.to_string().into()),
        }
    }

    /// The reader reached the top: older rows from memory, else from IndexedDB.
    pub fn load_older(&self) {
        let s = self.0.state;
        let (window, chunk) = (self.0.settings.window_rows, self.0.settings.chunk_rows);
        let moved = s
            .viewport
            .try_update(|v| s.with_shown_untracked(|t| v.older(t, window, chunk)))
            .unwrap_or(false);
        if moved || s.loading_older.get_untracked() || s.history_start.get_untracked() {
            return;
        }
        let (Some(store), Some(oldest)) = (
            self.0.persist.store(),
            s.timeline
                .with_untracked(|t| t.oldest().map(|c| Pos::of(c))),
        ) else {
            s.history_start.set(true);
            return;
        };
        s.loading_older.set(true);
        let this = self.clone();
        spawn_local(async move {
            let older = store.before(&oldest, chunk as u32).await;
            if !this.alive() {
                return;
            }
            match older {
                Ok(older) if !older.is_empty() => {
                    let shown = || s.with_shown_untracked(|t| t.len());
                    let before = shown();
                    s.update_timeline(|t| {
                        t.merge_kept(older);
                    });
                    s.viewport
                        .try_update(|v| s.with_shown_untracked(|t| v.older(t, window, chunk)));
                    if shown() == before {
                        // A filter hid the whole chunk: read further back, until a row the
                        // reader can see comes or history ends. (Without filters every chunk
                        // shows, so this never repeats.)
                        s.loading_older.try_set(false);
                        this.load_older();
                        return;
                    }
                }
                Ok(_) => {
                    s.history_start.try_set(true);
                }
                Err(e) => {
                    web_sys::console::warn_1(&e.to_string().into());
                    s.history_start.try_set(true);
                }
            }
            s.loading_older.try_set(false);
        });
    }

    /// Reports a comment to the operator (`POST /api/comments/{id}/report`, empty body) as a
    /// beacon: the browser sends it even if the tab closes, and the page needs no answer.
    pub fn report(&self, id: &str) {
        let url = format!("{}/{id}/report", self.0.api.comments_endpoint());
        let queued =
            web_sys::window().is_some_and(|w| w.navigator().send_beacon(&url).unwrap_or(false));
        self.0
            .state
            .notice
            .try_set(Some(if queued { REPORTED } else { REPORT_FAILED }));
    }

    /// Shows the post at once and sends it; it stays in the outbox until the server has it.
    /// What this browser remembers (the composer writes the name and the draft as typed).
    pub fn prefs(&self) -> &Prefs {
        &self.0.prefs
    }

    pub fn send(&self, text: String, username: Option<String>, color: Option<String>) {
        let (bot_params, context) = self.steer();
        let post = Outgoing {
            id: client_id(random_bytes()),
            text,
            username,
            color,
            bot_params,
            context,
            state: SendState::Sending,
        };
        let id = post.id.clone();
        self.0.state.outbox.update(|o| o.push(post));
        self.0
            .state
            .viewport
            .set(crate::model::viewport::Viewport::Following);
        self.save_outbox();
        self.post(id);
    }

    /// `botParams` and `context` for a new post: the shown view's last rows, then the posts
    /// still pending (they are in the view too), before this one is added.
    fn steer(&self) -> (Option<Box<BotParams>>, Option<Vec<String>>) {
        let s = self.0.state;
        let conversation = s.conversation.get_untracked();
        let Some((params, nom)) = steer(conversation.as_ref(), DEFAULT_ENTITY) else {
            return (None, None);
        };
        let context = s.outbox.with_untracked(|pending| {
            s.with_shown_untracked(|t| {
                let shown = t.items().iter().map(|c| Row {
                    username: c.username.as_deref(),
                    text: &c.text,
                });
                let pending = pending.iter().map(|p| Row {
                    username: p.username.as_deref(),
                    text: &p.text,
                });
                context(shown.chain(pending), nom)
            })
        });
        (Some(Box::new(params)), Some(context))
    }

    /// Sends a failed post again, under the same id, so it can never be stored twice.
    pub fn retry(&self, id: &str) {
        self.set_state(id, SendState::Sending);
        self.post(id.to_owned());
    }

    /// Takes a failed post out of the stream and back into the composer.
    pub fn edit(&self, id: &str) {
        let s = self.0.state;
        let Some(post) = s
            .outbox
            .with_untracked(|o| o.iter().find(|p| p.id == id).cloned())
        else {
            return;
        };
        s.outbox.update(|o| o.retain(|p| p.id != id));
        s.draft.update(|d| {
            *d = if d.trim().is_empty() {
                post.text
            } else {
                format!("{}\n{}", d.trim_end(), post.text)
            }
        });
        self.0.prefs.set_draft(&s.draft.get_untracked());
        self.save_outbox();
    }

    fn resend_saved_posts(&self) {
        let saved = self.0.prefs.outbox();
        let ids: Vec<String> = saved.iter().map(|p| p.id.clone()).collect();
        self.0.state.outbox.set(
            saved
                .into_iter()
                .map(|p| Outgoing {
                    state: SendState::Sending,
                    ..p
                })
                .collect(),
        );
        for id in ids {
            self.post(id);
        }
    }
}
