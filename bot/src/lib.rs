//! The stream's bot: follows the live channel (or polls the newest comments when it cannot),
//! answers each human comment that asks for it (`botParams.processed == false`) exactly once,
//! and marks it processed, all with the bot credential (`BOT_TOKEN`).
//!
//! Exactly once across crashes: the reply's id is derived from the original's, so re-posting a
//! reply after a crash between the POST and the PATCH only meets the worker's idempotency (200,
//! nothing new stored, the stored reply checked to be this bot's) and the PATCH then completes.
//! A comment that cannot be answered is skipped with its reason and retried with back-off a
//! bounded number of times; the rest of the stream goes on.

mod client;
mod ledger;
mod live;
mod responder;

pub use client::{ApiClient, ClientError};
pub use ledger::{Ledger, Verdict, MAX_ATTEMPTS};
pub use live::{live_url, Channel, LiveError};
pub use responder::{Echo, OpenAi, Responder, ResponderError};

use std::time::{Duration, Instant};

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

/// Comments that still need an answer and are due, oldest first.
pub fn to_answer<'a>(comments: &'a [Comment], ledger: &Ledger, now: Instant) -> Vec<&'a Comment> {
    let mut todo: Vec<&Comment> = comments
        .iter()
        .filter(|c| c.awaits_bot() && ledger.is_due(&c.id, now))
        .collect();
    todo.sort_by(|a, b| saywhatwant_wire::chrono_cmp(a, b));
    todo
}

/// A failure of the API as a whole: the bot stops this round and backs off.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("the API: {0}")]
    Api(#[from] ClientError),
}

/// Why one comment was not answered (the rest of the round goes on).
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("the responder: {0}")]
    Responder(#[from] ResponderError),
    #[error("the API refused: {0}")]
    Api(#[from] ClientError),
    #[error("its reply id holds someone else's reply ({0}); not marking it processed")]
    NotOurs(String),
}

/// What one round did.
#[derive(Debug, Default)]
pub struct Report {
    pub answered: Vec<String>,
    /// Comments not answered: id, why, and whether they will be tried again.
    pub failed: Vec<(String, String, Verdict)>,
}

impl Report {
    fn log(&self, me: &str) {
        if !self.answered.is_empty() {
            eprintln!("{me}: answered {} comment(s)", self.answered.len());
        }
        for (id, why, verdict) in &self.failed {
            eprintln!("{me}: skipped {id}: {why} ({verdict:?})");
        }
    }
}

pub struct Bot<R> {
    pub api: ApiClient,
    pub responder: R,
    pub me: Identity,
    /// Answer only comments from this site (`None`: every site).
    pub domain: Option<String>,
    ledger: Ledger,
    /// How far the stream has been read: the live channel resumes here.
    cursor: Option<String>,
}

impl<R: Responder> Bot<R> {
    pub fn new(api: ApiClient, responder: R, me: Identity) -> Self {
        Bot {
            api,
            responder,
            me,
            domain: None,
            ledger: Ledger::default(),
            cursor: None,
        }
    }

    /// Restricts the bot to one site's comments (`None`: every site).
    pub fn for_domain(mut self, domain: Option<String>) -> Self {
        self.domain = domain;
        self
    }

    /// One poll of the newest 100: answers what waits, and retries failures that are due.
    pub async fn poll_once(&mut self) -> Result<Report, BotError> {
        let page = self.api.bot_poll(self.domain.as_deref()).await?;
        self.cursor = page.cursor.clone().or(self.cursor.take());
        let mut report = self.handle(&page.comments).await?;
        let retried = self.handle_retries().await?;
        report.answered.extend(retried.answered);
        report.failed.extend(retried.failed);
        Ok(report)
    }

    async fn handle_retries(&mut self) -> Result<Report, BotError> {
        let due = self.ledger.due_retries(Instant::now());
        self.handle(&due).await
    }

    /// Answers each comment in `comments` that waits for a bot. One comment's failure is
    /// recorded and the rest go on; only a failure of the API itself ends the round.
    async fn handle(&mut self, comments: &[Comment]) -> Result<Report, BotError> {
        let mut report = Report::default();
        let now = Instant::now();
        for original in to_answer(comments, &self.ledger, now) {
            match self.answer(original).await {
                Ok(()) => {
                    self.ledger.done(&original.id);
                    report.answered.push(original.id.clone());
                }
                Err(AnswerError::Api(e)) if e.is_transient() => return Err(e.into()),
                Err(e @ AnswerError::NotOurs(_)) => {
                    self.ledger.done(&original.id);
                    report
                        .failed
                        .push((original.id.clone(), e.to_string(), Verdict::GaveUp));
                }
                Err(e) => {
                    let verdict = self.ledger.failed(original, now);
                    report
                        .failed
                        .push((original.id.clone(), e.to_string(), verdict));
                }
            }
        }
        Ok(report)
    }

    async fn answer(&self, original: &Comment) -> Result<(), AnswerError> {
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
        let (stored, created) = self.api.post(&reply).await?;
        // A reply already stored under our id is ours only if we wrote it (a crash between
        // the POST and the PATCH); anything else must not close the comment in our name.
        if !created && !self.is_own(&stored, original) {
            return Err(AnswerError::NotOurs(format!(
                "{} by {}",
                stored.id,
                stored.username.as_deref().unwrap_or("nobody")
            )));
        }
        self.api.mark_processed(&original.id).await?;
        Ok(())
    }

    fn is_own(&self, stored: &Comment, original: &Comment) -> bool {
        stored.message_type == MessageType::Ai
            && stored.username.as_deref() == Some(self.me.name.as_str())
            && stored.context.as_deref() == Some(std::slice::from_ref(&original.id))
    }

    /// Runs for ever: follows the live channel and answers as comments land; when the
    /// channel cannot open or drops, polls every `interval` and tries the channel again with
    /// back-off and jitter. `live: false` only polls (the original bot's way).
    pub async fn run(&mut self, interval: Duration, live: bool) {
        let mut wait = interval;
        let mut channel_failures: u32 = 0;
        let mut next_channel = Instant::now();
        loop {
            match self.poll_once().await {
                Ok(report) => {
                    report.log(&self.me.name);
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
            if live && wait == interval && Instant::now() >= next_channel {
                let opened = Instant::now();
                match self.follow(interval).await {
                    Ok(()) => {}
                    Err(e) => eprintln!("{}: {e}; polling meanwhile", self.me.name),
                }
                channel_failures = if opened.elapsed() > Duration::from_secs(60) {
                    0
                } else {
                    channel_failures.saturating_add(1)
                };
                next_channel = Instant::now() + backoff(channel_failures);
                continue;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Follows the live channel until it fails; retries due failures every `tick`.
    async fn follow(&mut self, tick: Duration) -> Result<(), String> {
        let url = live_url(
            &self.api.base,
            self.cursor.as_deref(),
            self.domain.as_deref(),
        );
        let mut channel = Channel::connect(&url, self.api.token())
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("{}: following the live channel", self.me.name);
        loop {
            tokio::select! {
                frame = channel.next() => {
                    let page = frame.map_err(|e| e.to_string())?;
                    if page.cursor.is_some() {
                        self.cursor = page.cursor.clone();
                    }
                    let report = self.handle(&page.comments).await.map_err(|e| e.to_string())?;
                    report.log(&self.me.name);
                }
                _ = tokio::time::sleep(tick) => {
                    let report = self.handle_retries().await.map_err(|e| e.to_string())?;
                    report.log(&self.me.name);
                }
            }
        }
    }
}

/// Waits before trying the channel again: 1 s doubling to 60 s, less up to a fifth at
/// random so many bots do not reconnect in step.
fn backoff(failures: u32) -> Duration {
    let base = Duration::from_secs(1) * 2u32.pow(failures.min(6));
    let base = base.min(Duration::from_secs(60));
    let jitter = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(failures);
        (h.finish() % 1000) as f64 / 1000.0
    };
    base.mul_f64(1.0 - 0.2 * jitter)
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
            reply_to: None,
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
    fn channel_retries_back_off_with_jitter_and_a_ceiling() {
        assert!(backoff(0) <= Duration::from_secs(1) && backoff(0) >= Duration::from_millis(800));
        assert!(backoff(3) <= Duration::from_secs(8) && backoff(3) >= Duration::from_millis(6400));
        assert!(backoff(30) <= Duration::from_secs(60));
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
        let mut ledger = Ledger::default();
        ledger.done("seen");
        let ids: Vec<_> = to_answer(&poll, &ledger, Instant::now())
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
