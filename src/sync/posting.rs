//! Sending a post: on the live channel when the page holds one (a message on a socket costs
//! the service a twentieth of a request), else, or when no answer comes, `POST /api/comments`.
//! Both carry the post's id, so however often it is sent it is stored once.

use leptos::prelude::*;
use saywhatwant_wire::live::{channel_post, Ack, ACK_WAIT_MS};
use saywhatwant_wire::{Comment, ErrorBody};
use wasm_bindgen_futures::spawn_local;
use web_sys::WebSocket;

use super::Stream;
use crate::model::draft::{NewCommentBody, SendState};
use crate::sync::api::ApiError;
use crate::sync::codec;
use crate::sync::inbox::{Inbox, Signal, Wait};

impl Stream {
    /// Sends the outbox's post `id`; it leaves the outbox once the server has it.
    pub(super) fn post(&self, id: String) {
        let this = self.clone();
        spawn_local(async move {
            let s = this.0.state;
            let Some(post) = s
                .outbox
                .try_with_untracked(|o| o.iter().find(|p| p.id == id).cloned())
                .flatten()
            else {
                return;
            };
            let body = post.body();
            let answer = match this.on_channel(&body).await {
                Some(answer) => answer,
                None => this.0.api.post(&body).await,
            };
            if !this.alive() {
                return;
            }
            match answer {
                Ok(stored) => {
                    s.outbox.try_update(|o| o.retain(|p| p.id != id));
                    this.receive(vec![stored]);
                }
                Err(e) => this.set_state(&id, SendState::Failed(e.for_poster())),
            }
            this.save_outbox();
        });
    }

    /// The post on the live channel, and the answer to it; `None` when there is no open
    /// channel, it closed first, no answer came in time, or it could not take the post: then
    /// HTTP sends it.
    async fn on_channel(&self, body: &NewCommentBody<'_>) -> Option<Result<Comment, ApiError>> {
        let ws = self
            .0
            .channel
            .borrow()
            .clone()
            .filter(|ws| ws.ready_state() == WebSocket::OPEN)?;
        let message = channel_post(&codec::new_comment_json(body)?);
        let waiter = Inbox::default();
        self.0
            .acks
            .borrow_mut()
            .push((body.id.to_owned(), waiter.clone()));
        let answer = match ws.send_with_str(&message) {
            Ok(()) => waiter.sleep_or_wake(ACK_WAIT_MS as u32).await,
            Err(_) => Wait::Closed,
        };
        self.0.acks.borrow_mut().retain(|(_, w)| !w.same(&waiter));
        match answer {
            Wait::Woken(Signal::Acked(ack)) => from_ack(*ack),
            // The stream brought it: the log has it, whatever became of the answer.
            Wait::Woken(Signal::Poke) => self
                .0
                .state
                .timeline
                .try_with_untracked(|t| t.find(body.id).map(|c| Ok(Comment::clone(c))))
                .flatten(),
            _ => None,
        }
    }

    /// Comments arrived (a frame, a poll): a post waiting for its answer among them is
    /// committed, so it waits no longer.
    pub(super) fn seen(&self, ids: &[String]) {
        for (id, waiter) in self.0.acks.borrow().iter() {
            if ids.contains(id) {
                waiter.send(Signal::Poke);
            }
        }
    }

    /// The follow loop opened a channel (`Some`) or lost it: posts waiting on a lost one go
    /// over HTTP at once.
    pub(super) fn set_channel(&self, ws: Option<WebSocket>) {
        if ws.is_none() {
            for (_, waiter) in self.0.acks.borrow_mut().drain(..) {
                waiter.close();
            }
        }
        self.0.channel.replace(ws);
    }

    /// An answer on the channel: to the post waiting for it.
    pub(super) fn acked(&self, ack: Ack) {
        let acks = self.0.acks.borrow();
        if let Some((_, waiter)) = acks.iter().find(|(p, _)| ack.ack.as_ref() == Some(p)) {
            waiter.send(Signal::Acked(Box::new(ack)));
        }
    }

    pub(super) fn set_state(&self, id: &str, state: SendState) {
        self.0.state.outbox.try_update(|o| {
            if let Some(p) = o.iter_mut().find(|p| p.id == id) {
                p.state = state;
            }
        });
    }

    pub(super) fn save_outbox(&self) {
        if let Some(posts) = self.0.state.outbox.try_with_untracked(|o| o.clone()) {
            self.0.prefs.set_outbox(&posts);
        }
    }
}

/// What an answer on the channel means for the post: stored, refused as HTTP would refuse it,
/// or `None` when the service could not take it there (HTTP is tried then).
pub fn from_ack(ack: Ack) -> Option<Result<Comment, ApiError>> {
    match ack {
        Ack {
            status: 200 | 201,
            comment: Some(c),
            ..
        } => Some(Ok(c)),
        Ack { status, .. } if status >= 500 => None,
        Ack {
            code: Some(code), ..
        } if code == "post_over_http" => None,
        Ack {
            status,
            error,
            code,
            retry_after,
            ..
        } => {
            let body = error
                .zip(code)
                .map(|(error, code)| ErrorBody { error, code });
            Some(Err(crate::sync::api::http_error(
                status,
                body,
                retry_after.map(|s| s.to_string()).as_deref(),
            )))
        }
    }
}
