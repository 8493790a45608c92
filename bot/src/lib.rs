//! The stream's bot: follows the live channel (or polls the newest comments when it cannot),
//! answers each human comment that asks for it (`botParams.processed == false`) exactly once
//! as the AI entity it names (`botParams.entity`, from an entities file in the original's
//! format), all with the bot credential (`BOT_TOKEN`). The reply carries `replyTo`, and the
//! worker closes the original in the same commit; a comment left unanswered on purpose is
//! closed with a PATCH.
//!
//! Exactly once across crashes: the reply's id is derived from the original's, so re-posting a
//! reply only meets the worker's idempotency (200, nothing new stored, the stored reply checked
//! to be this bot's), and a PATCH then closes the original should the stored reply not have.
//! A comment that cannot be answered is skipped with its reason and retried with back-off a
//! bounded number of times; the rest of the stream goes on.

mod client;
pub mod entities;
mod ledger;
mod live;
pub mod prompt;
pub mod queue;
mod responder;
mod status;

pub use client::{ApiClient, ClientError};
pub use entities::{Config, ConfigError, Entity};
pub use ledger::{Ledger, Verdict, MAX_ATTEMPTS};
pub use live::{live_url, Channel, ChannelPoster, LiveError};
pub use responder::{Echo, OpenAi, Responder, ResponderError};
pub use status::Status;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use saywhatwant_wire::{BotParams, Comment, MessageType};
use serde_json::{json, Value};

use prompt::Answer;
use queue::{Job, RateBook};

/// Who posts in the stream: a name and a colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub color: String,
}

pub use saywhatwant_wire::reply_id;

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
    #[error("nothing was left of the model's answer after filterOut / trimAfter")]
    EmptyAnswer,
}

/// What one round did.
#[derive(Debug, Default)]
pub struct Report {
    pub answered: Vec<String>,
    /// Answered with silence (`[SKIP]`): marked processed, nothing posted.
    pub skipped: Vec<String>,
    /// Comments not answered: id, why, and whether they will be tried again.
    pub failed: Vec<(String, String, Verdict)>,
    /// Comments waiting for their entity's rate limit.
    pub waiting: Vec<String>,
}

impl Report {
    fn log(&self, me: &str) {
        if !self.answered.is_empty() {
            eprintln!("{me}: answered {} comment(s)", self.answered.len());
        }
        if !self.skipped.is_empty() {
            eprintln!(
                "{me}: stayed silent ([SKIP]) on {} comment(s)",
                self.skipped.len()
            );
        }
        for (id, why, verdict) in &self.failed {
            eprintln!("{me}: skipped {id}: {why} ({verdict:?})");
        }
    }

    fn extend(&mut self, other: Report) {
        self.answered.extend(other.answered);
        self.skipped.extend(other.skipped);
        self.failed.extend(other.failed);
        self.waiting.extend(other.waiting);
    }
}

/// How one job ended.
enum Done {
    Posted,
    Silent,
}

pub struct Bot<R> {
    pub api: ApiClient,
    pub responder: R,
    /// The name it logs under.
    pub me: Identity,
    /// Answer only comments from this site (`None`: every site).
    pub domain: Option<String>,
    config: Config,
    /// The entities file, re-read when it changes, and its stamp when last read.
    source: Option<(PathBuf, Option<(SystemTime, u64)>)>,
    /// When the file was last looked at.
    looked: Option<Instant>,
    workers: usize,
    ledger: Ledger,
    rates: RateBook,
    pub status: Status,
    /// Unasked answers are only for comments from here on (ms since the epoch).
    since_ms: u64,
    /// How far the stream has been read: the live channel resumes here.
    cursor: Option<String>,
    /// The open live channel's poster: replies go there first (`post`).
    channel: std::sync::Mutex<Option<ChannelPoster>>,
    /// Replies posted on the channel (the rest went over HTTP).
    on_channel: Arc<AtomicU64>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl<R: Responder> Bot<R> {
    /// A bot of one entity, `me`, answering every comment that asks for a bot.
    pub fn new(api: ApiClient, responder: R, me: Identity) -> Self {
        // No model name: the responder's own default (`--model`).
        let config = Config::single(Entity::single(me.clone(), ""));
        Bot {
            api,
            responder,
            me,
            domain: None,
            config,
            source: None,
            looked: None,
            workers: 2,
            ledger: Ledger::default(),
            rates: RateBook::default(),
            status: Status::default(),
            since_ms: now_ms(),
            cursor: None,
            channel: std::sync::Mutex::new(None),
            on_channel: Arc::default(),
        }
    }

    /// How many replies went on the live channel so far (the rest over HTTP); readable while
    /// the bot runs.
    pub fn posted_on_channel(&self) -> Arc<AtomicU64> {
        self.on_channel.clone()
    }

    /// Restricts the bot to one site's comments (`None`: every site).
    pub fn for_domain(mut self, domain: Option<String>) -> Self {
        self.domain = domain;
        self
    }

    /// Serves these entities instead.
    pub fn with_config(mut self, config: Config) -> Self {
        if let Some(w) = config.workers {
            self.workers = w;
        }
        self.config = config;
        self
    }

    /// Serves the entities of this file, and re-reads it whenever it changes; an invalid file
    /// is an error here, and later only a logged one (the last good config keeps serving).
    pub fn with_entities_file(self, path: PathBuf) -> Result<Self, ConfigError> {
        let stamp = entities::stamp(&path);
        let config = Config::load(&path)?;
        let mut bot = self.with_config(config);
        bot.status.config_loaded(&path, bot.config.entities.len());
        bot.source = Some((path, stamp));
        Ok(bot)
    }

    /// How many comments are answered at once.
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Who answers a comment that asks for a bot without naming one.
    pub fn with_default_entity(mut self, id: Option<String>) -> Self {
        self.config.default_entity = id;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Re-reads the entities file when it changed since it was last read; looks at most once
    /// a second (every live frame comes through here).
    pub fn reload_if_changed(&mut self) {
        if self
            .looked
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            return;
        }
        self.looked = Some(Instant::now());
        let Some((path, stamp)) = &mut self.source else {
            return;
        };
        let now = entities::stamp(path);
        if now == *stamp {
            return;
        }
        *stamp = now;
        match Config::load(path) {
            Ok(mut config) => {
                config.default_entity = self.config.default_entity.take();
                eprintln!(
                    "{}: reloaded {}: {} entities",
                    self.me.name,
                    path.display(),
                    config.entities.len()
                );
                self.status.config_loaded(path, config.entities.len());
                self.config = config;
            }
            Err(e) => {
                eprintln!(
                    "{}: {} is invalid, still serving the last good config: {e}",
                    self.me.name,
                    path.display()
                );
                self.status.config_failed(e.to_string());
            }
        }
    }

    /// One poll of the newest 100: answers what waits, and retries failures that are due.
    pub async fn poll_once(&mut self) -> Result<Report, BotError> {
        let page = self.api.bot_poll(self.domain.as_deref()).await?;
        self.cursor = page.cursor.clone().or(self.cursor.take());
        let mut report = self.handle(&page.comments).await?;
        report.extend(self.handle_retries().await?);
        Ok(report)
    }

    async fn handle_retries(&mut self) -> Result<Report, BotError> {
        let due = self.ledger.due_retries(Instant::now());
        self.handle(&due).await
    }

    /// Answers each comment in `comments` that waits for a bot: by priority, up to
    /// `workers` at once. One comment's failure is recorded and the rest go on; only a
    /// failure of the API itself ends the round (after what finished is recorded).
    async fn handle(&mut self, comments: &[Comment]) -> Result<Report, BotError> {
        self.reload_if_changed();
        let mut report = Report::default();
        let now = Instant::now();
        let (jobs, ignored) = queue::plan(comments, &self.config, &self.ledger, now, self.since_ms);
        for (id, why) in ignored {
            if self.status.ignore(&id) {
                eprintln!("{}: not answering {id}: {why}", self.me.name);
            }
        }
        // Take in priority order; an entity over its rate limit waits, the others go on.
        let mut taken = Vec::with_capacity(jobs.len());
        for job in jobs {
            match self.rates.wait(&job.entity, now) {
                Some(wait) => {
                    self.ledger.defer(&job.comment, now + wait);
                    self.status.waiting(&job.entity.id);
                    report.waiting.push(job.comment.id.clone());
                }
                None => {
                    self.rates.record(&job.entity.id, now);
                    taken.push(job);
                }
            }
        }
        self.status.set_queue(taken.len(), self.ledger.waiting());
        let this = &*self;
        let results: Vec<(Job, Result<Done, AnswerError>)> = futures_util::stream::iter(taken)
            .map(|job| async move {
                let result = this.answer(&job).await;
                (job, result)
            })
            .buffered(this.workers)
            .collect()
            .await;
        let mut api_down = None;
        for (job, result) in results {
            let (id, entity) = (job.comment.id.clone(), job.entity.id.as_str());
            match result {
                Ok(Done::Posted) => {
                    self.ledger.done(&id);
                    self.status.answered(entity);
                    report.answered.push(id);
                }
                Ok(Done::Silent) => {
                    self.ledger.done(&id);
                    self.status.silent(entity);
                    report.skipped.push(id);
                }
                Err(AnswerError::Api(e)) if e.is_transient() => api_down = Some(e),
                Err(e @ AnswerError::NotOurs(_)) => {
                    self.ledger.done(&id);
                    self.status.failed(entity, &id, &e.to_string());
                    report.failed.push((id, e.to_string(), Verdict::GaveUp));
                }
                Err(e) => {
                    let verdict = self.ledger.failed(&job.comment, now);
                    self.status.failed(entity, &id, &e.to_string());
                    report.failed.push((id, e.to_string(), verdict));
                }
            }
        }
        match api_down {
            Some(e) => Err(e.into()),
            None => Ok(report),
        }
    }

    async fn answer(&self, job: &Job) -> Result<Done, AnswerError> {
        let original = &job.comment;
        let ask = prompt::ask(&job.entity, original);
        let raw = self.responder.reply(original, &ask).await?;
        let text = match prompt::shape(&job.entity, &raw) {
            Answer::Skip => {
                self.api.mark_processed(&original.id).await?;
                return Ok(Done::Silent);
            }
            Answer::Empty => return Err(AnswerError::EmptyAnswer),
            Answer::Say(text) => text,
        };
        let speaker = prompt::speaker(&job.entity, original, now_ms());
        let reply = json!({
            "id": reply_id(&original.id),
            "text": truncate(&text, saywhatwant_wire::MAX_TEXT_CHARS),
            "username": speaker.name,
            "color": speaker.color,
            "message-type": MessageType::Ai.as_str(),
            "domain": original.domain,
            "replyTo": original.id,
            "botParams": BotParams { entity: Some(job.entity.id.clone()), ..Default::default() },
        });
        let (stored, created) = self.post(&reply).await?;
        // A reply already stored under our id is ours only if we wrote it (a crash between
        // the POST and the PATCH); anything else must not close the comment in our name.
        if !created && !is_own(&stored, original, &speaker) {
            return Err(AnswerError::NotOurs(format!(
                "{} by {}",
                stored.id,
                stored.username.as_deref().unwrap_or("nobody")
            )));
        }
        // A new reply carrying `replyTo` closed the comment in the same commit; a reply stored
        // before (ours, from a run that died) may not have: close it now.
        if !created {
            self.api.mark_processed(&original.id).await?;
        }
        Ok(Done::Posted)
    }

    /// Posts a reply: on the live channel while it is open, else (or when it gives no answer,
    /// or cannot take the post) over HTTP, under the same id, so it is stored once.
    async fn post(&self, reply: &Value) -> Result<(Comment, bool), ClientError> {
        let poster = self.channel.lock().ok().and_then(|p| p.clone());
        if let Some(p) = poster {
            if let Some(answer) = p.post(reply).await.and_then(live::outcome) {
                if answer.is_ok() {
                    self.on_channel.fetch_add(1, Ordering::Relaxed);
                }
                return answer;
            }
        }
        self.api.post(reply).await
    }

    /// Runs for ever: follows the live channel and answers as comments land; when the
    /// channel cannot open or drops, polls every `interval` and tries the channel again with
    /// back-off and jitter. `live: false` only polls (the original bot's way).
    pub async fn run(&mut self, interval: Duration, live: bool) {
        let mut wait = interval;
        let mut channel_failures: u32 = 0;
        let mut next_channel = Instant::now();
        loop {
            self.status.maybe_log(&self.me.name);
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
        self.set_channel(Some(channel.poster()));
        let ended = self.follow_on(&mut channel, tick).await;
        self.set_channel(None);
        ended
    }

    fn set_channel(&self, poster: Option<ChannelPoster>) {
        if let Ok(mut p) = self.channel.lock() {
            *p = poster;
        }
    }

    async fn follow_on(&mut self, channel: &mut Channel, tick: Duration) -> Result<(), String> {
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
                    self.status.maybe_log(&self.me.name);
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
    let jitter = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(failures);
        (h.finish() % 1000) as f64 / 1000.0
    };
    Duration::from_millis(saywhatwant_wire::backoff_ms(
        1_000,
        60_000,
        failures + 1,
        jitter,
    ))
}

/// Whether a reply stored under our reply id is one this bot wrote: an AI comment answering
/// `original`, under the name it would post as (a `random` colour differs each time).
fn is_own(stored: &Comment, original: &Comment, speaker: &Identity) -> bool {
    stored.message_type == MessageType::Ai
        && stored.reply_to.as_deref() == Some(original.id.as_str())
        && stored.username.as_deref() == Some(speaker.name.as_str())
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
        let me = Identity {
            name: "B".into(),
            color: "001002003".into(),
        };
        let config = Config::single(Entity::single(me, "m"));
        let (jobs, ignored) = queue::plan(&poll, &config, &ledger, Instant::now(), 0);
        let ids: Vec<_> = jobs.iter().map(|j| j.comment.id.as_str()).collect();
        assert_eq!(ids, ["old", "new"]);
        assert!(ignored.is_empty());
    }

    #[test]
    fn replies_fit_the_text_rule() {
        assert_eq!(truncate(&"x".repeat(1500), 1000).len(), 1000);
        assert_eq!(truncate("  ", 1000), "…");
    }
}
