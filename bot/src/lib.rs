//! The stream's bot: polls the newest comments, answers each human comment that asks for it
//! (`botParams.processed == false`) exactly once, and marks it processed.
//!
//! Exactly once across crashes: the reply's id is derived from the original's, so re-posting a
//! reply after a crash between the POST and the PATCH only meets the worker's idempotency (200,
//! nothing new stored) and the PATCH then completes.

mod client;
mod responder;

pub use client::{ApiClient, ClientError};
pub use responder::{Echo, OpenAi, Responder, ResponderError};

use std::collections::HashSet;
use std::time::Duration;

use saywhatwant_wire::{BotParams, Comment, MessageType};
use serde_json::json;

/// Who the bot is in the stream.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub color: String,
}

/// The reply id for a comment: `re-<id>`, or for ids too long for that, a shortened id plus a
/// hash of the whole, so it still fits the 64-character rule and never collides by truncation.
pub fn reply_id(original: &str) -> String {
    let id = format!("re-{original}");
    if id.len() <= 64 {
        return id;
    }
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let hash = original.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("re-{}-{hash:016x}", &original[..44])
}

/// Comments in a newest-first poll that still need an answer, oldest first.
pub fn to_answer<'a>(poll: &'a [Comment], handled: &HashSet<String>) -> Vec<&'a Comment> {
    let mut todo: Vec<&Comment> = poll
        .iter()
        .filter(|c| c.awaits_bot() && !handled.contains(&c.id))
        .collect();
    todo.sort_by(|a, b| saywhatwant_wire::chrono_cmp(a, b));
    todo
}

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("the API: {0}")]
    Api(#[from] ClientError),
    #[error("the responder: {0}")]
    Responder(#[from] ResponderError),
}

pub struct Bot<R> {
    pub api: ApiClient,
    pub responder: R,
    pub me: Identity,
    /// Answer only comments from this site (`None`: every site).
    pub domain: Option<String>,
    /// Ids answered and marked in this run; the `processed` flag covers earlier runs.
    handled: HashSet<String>,
}

impl<R: Responder> Bot<R> {
    pub fn new(api: ApiClient, responder: R, me: Identity) -> Self {
        Bot {
            api,
            responder,
            me,
            domain: None,
            handled: HashSet::new(),
        }
    }

    /// Restricts the bot to one site's comments (`None`: every site).
    pub fn for_domain(mut self, domain: Option<String>) -> Self {
        self.domain = domain;
        self
    }

    /// One poll: answers what needs answering. Returns how many comments it answered.
    pub async fn poll_once(&mut self) -> Result<usize, BotError> {
        let poll = self.api.bot_poll(self.domain.as_deref()).await?;
        let mut answered = 0;
        for original in to_answer(&poll, &self.handled) {
            self.answer(original).await?;
            self.handled.insert(original.id.clone());
            answered += 1;
        }
        Ok(answered)
    }

    async fn answer(&self, original: &Comment) -> Result<(), BotError> {
        let text = self.responder.reply(original, &self.me).await?;
        let reply = json!({
            "id": reply_id(&original.id),
            "text": truncate(&text, saywhatwant_wire::MAX_TEXT_CHARS),
            "username": self.me.name,
            "color": self.me.color,
            "message-type": MessageType::Ai.as_str(),
            "domain": original.domain,
            "context": [original.id],
            "botParams": BotParams { entity: Some(self.me.name.clone()), ..Default::default() },
        });
        self.api.post(&reply).await?;
        self.api.mark_processed(&original.id).await?;
        Ok(())
    }

    /// Polls every `interval`, backing off (doubling, up to 30 s) while the API or the responder
    /// fails, and never gives up.
    pub async fn run(&mut self, interval: Duration) {
        let mut wait = interval;
        loop {
            match self.poll_once().await {
                Ok(n) => {
                    if n > 0 {
                        eprintln!("answered {n} comment(s)");
                    }
                    wait = interval;
                }
                Err(BotError::Api(ClientError::RateLimited(secs))) => {
                    eprintln!("rate limited; waiting {secs} s");
                    wait = Duration::from_secs(secs);
                }
                Err(e) => {
                    wait = (wait * 2).min(Duration::from_secs(30));
                    eprintln!("{e}; retrying in {wait:?}");
                }
            }
            tokio::time::sleep(wait).await;
        }
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    let t = s.trim();
    match t.char_indices().nth(max_chars) {
        Some((i, _)) => t[..i].to_owned(),
        None if t.is_empty() => "…".to_owned(),
        None => t.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, ts: u64, mt: MessageType, processed: Option<bool>) -> Comment {
        Comment {
            id: id.into(),
            text: "hi".into(),
            timestamp: ts,
            username: None,
            color: None,
            domain: "d".into(),
            language: "en".into(),
            message_type: mt,
            misc: String::new(),
            context: None,
            bot_params: processed.map(|p| BotParams {
                processed: Some(p),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn reply_ids_are_stable_valid_and_distinct() {
        assert_eq!(reply_id("abc"), "re-abc");
        let long_a = "a".repeat(64);
        let long_b = format!("{}b", "a".repeat(63));
        for id in [reply_id(&long_a), reply_id(&long_b)] {
            assert!(saywhatwant_wire::is_valid_id(&id), "{id}");
        }
        assert_ne!(reply_id(&long_a), reply_id(&long_b));
        assert_eq!(reply_id(&long_a), reply_id(&long_a));
    }

    #[test]
    fn answers_only_unprocessed_human_comments_not_yet_handled_oldest_first() {
        let poll = [
            c("new", 30, MessageType::Human, Some(false)),
            c("ai", 25, MessageType::Ai, Some(false)),
            c("done", 20, MessageType::Human, Some(true)),
            c("plain", 15, MessageType::Human, None),
            c("old", 10, MessageType::Human, Some(false)),
            c("seen", 5, MessageType::Human, Some(false)),
        ];
        let handled = HashSet::from(["seen".to_string()]);
        let ids: Vec<_> = to_answer(&poll, &handled)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["old", "new"]);
    }

    #[test]
    fn replies_fit_the_text_rule() {
        assert_eq!(truncate(&"x".repeat(1500), 1000).len(), 1000);
        assert_eq!(truncate("  ", 1000), "…");
    }
}
