//! Which comments the bot takes, in what order, and when an entity may post again.
//!
//! The queue takes the highest priority first (`botParams.priority`, else the entity's
//! `defaultPriority`), then the oldest. The original took 0 first; this follows the
//! conversation links' meaning of a higher number as more urgent.

use std::cmp::Reverse;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use saywhatwant_wire::{chrono_cmp, Comment, MessageType};

use crate::entities::{Config, Entity};
use crate::prompt::chance_roll;
use crate::Ledger;

/// One comment for one entity to answer.
#[derive(Debug, Clone)]
pub struct Job {
    pub comment: Comment,
    pub entity: Entity,
    pub priority: u8,
}

/// Why a comment that asked for a bot is left alone (not marked: another bot may serve it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    Unknown(String),
    Disabled(String),
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ignored::Unknown(id) => write!(f, "no entity `{id}` is configured"),
            Ignored::Disabled(id) => write!(f, "entity `{id}` is disabled"),
        }
    }
}

/// The jobs among `comments`, in the order they are taken, and the comments no entity here
/// serves. `since_ms`: plain comments older than this never get an unasked answer (a restart
/// must not answer history).
pub fn plan(
    comments: &[Comment],
    config: &Config,
    ledger: &Ledger,
    now: Instant,
    since_ms: u64,
) -> (Vec<Job>, Vec<(String, Ignored)>) {
    let mut jobs = Vec::new();
    let mut ignored = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in comments {
        if c.message_type != MessageType::Human || !seen.insert(c.id.as_str()) {
            continue;
        }
        if !ledger.is_due(&c.id, now) {
            continue;
        }
        let entity = if c.awaits_bot() {
            let asked = c.bot_params.as_ref().and_then(|b| b.entity.as_deref());
            match asked {
                Some(id) => match config.find(id) {
                    Some(e) if e.enabled => e,
                    Some(_) => {
                        ignored.push((c.id.clone(), Ignored::Disabled(id.to_owned())));
                        continue;
                    }
                    None => {
                        ignored.push((c.id.clone(), Ignored::Unknown(id.to_owned())));
                        continue;
                    }
                },
                None => match config.default_entity() {
                    Some(e) if e.enabled => e,
                    _ => continue,
                },
            }
        } else if c.bot_params.is_none() && c.timestamp >= since_ms {
            // Nobody asked: an entity may still speak up, by its `responseChance`.
            match config.entities.iter().find(|e| {
                e.enabled
                    && e.response_chance > 0.0
                    && chance_roll(&c.id, &e.id) < e.response_chance
            }) {
                Some(e) => e,
                None => continue,
            }
        } else {
            continue;
        };
        let priority = c
            .bot_params
            .as_ref()
            .and_then(|b| b.priority)
            .map_or(entity.default_priority, |p| p.min(99));
        jobs.push(Job {
            comment: c.clone(),
            entity: entity.clone(),
            priority,
        });
    }
    jobs.sort_by(|a, b| {
        Reverse(a.priority)
            .cmp(&Reverse(b.priority))
            .then_with(|| chrono_cmp(&a.comment, &b.comment))
    });
    (jobs, ignored)
}

/// When each entity posted lately, for its `rateLimits`.
#[derive(Debug, Default)]
pub struct RateBook {
    posts: HashMap<String, VecDeque<Instant>>,
}

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

impl RateBook {
    /// `None`: the entity may post now; else how long until it may.
    pub fn wait(&self, entity: &Entity, now: Instant) -> Option<Duration> {
        let posts = self.posts.get(&entity.id)?;
        let limits = &entity.rate_limits;
        let mut wait = Duration::ZERO;
        if let (Some(gap), Some(last)) = (limits.min_seconds_between_posts, posts.back()) {
            let ready = *last + Duration::from_secs_f64(gap);
            wait = wait.max(ready.saturating_duration_since(now));
        }
        for (max, window) in [
            (limits.max_posts_per_minute, MINUTE),
            (limits.max_posts_per_hour, HOUR),
        ] {
            let Some(max) = max else { continue };
            let recent: Vec<&Instant> = posts
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < window)
                .collect();
            if recent.len() >= max as usize {
                // Room again when the oldest of the last `max` leaves the window.
                let oldest = recent[recent.len() - max as usize];
                wait = wait.max((*oldest + window).saturating_duration_since(now));
            }
        }
        (!wait.is_zero()).then_some(wait)
    }

    pub fn record(&mut self, entity: &str, at: Instant) {
        let posts = self.posts.entry(entity.to_owned()).or_default();
        posts.push_back(at);
        while posts
            .front()
            .is_some_and(|t| at.saturating_duration_since(*t) > HOUR)
        {
            posts.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use saywhatwant_wire::BotParams;

    use super::*;

    fn config() -> Config {
        Config::parse(include_str!("../entities.json")).expect("sample")
    }

    fn c(id: &str, ts: u64, params: Option<BotParams>) -> Comment {
        Comment {
            id: id.into(),
            text: "t".into(),
            timestamp: ts,
            username: None,
            color: None,
            domain: "d".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: None,
            bot_params: params,
            reply_to: None,
        }
    }

    fn asks(entity: Option<&str>, priority: Option<u8>) -> Option<BotParams> {
        Some(BotParams {
            entity: entity.map(Into::into),
            priority,
            processed: Some(false),
            ..Default::default()
        })
    }

    #[test]
    fn highest_priority_first_then_oldest_and_unknown_or_disabled_left_alone() {
        let poll = [
            c("low-old", 1, asks(Some("guide"), Some(10))),
            c("high-new", 5, asks(Some("guide"), Some(90))),
            c("high-old", 2, asks(Some("poet"), Some(90))),
            c("default", 3, asks(None, None)),
            c("poet-default", 4, asks(Some("poet"), None)),
            c("ghost", 6, asks(Some("ghost"), Some(99))),
            c("owl", 7, asks(Some("night-owl"), Some(99))),
        ];
        let (jobs, ignored) = plan(&poll, &config(), &Ledger::default(), Instant::now(), 0);
        let order: Vec<(&str, &str, u8)> = jobs
            .iter()
            .map(|j| (j.comment.id.as_str(), j.entity.id.as_str(), j.priority))
            .collect();
        assert_eq!(
            order,
            [
                ("high-old", "poet", 90),
                ("high-new", "guide", 90),
                ("default", "guide", 50),
                ("poet-default", "poet", 40),
                ("low-old", "guide", 10),
            ]
        );
        assert_eq!(
            ignored,
            [
                ("ghost".to_string(), Ignored::Unknown("ghost".into())),
                ("owl".to_string(), Ignored::Disabled("night-owl".into()))
            ]
        );
    }

    #[test]
    fn a_comment_seen_twice_in_one_round_is_one_job() {
        let twice = [c("a", 1, asks(None, None)), c("a", 1, asks(None, None))];
        let (jobs, _) = plan(&twice, &config(), &Ledger::default(), Instant::now(), 0);
        assert_eq!(jobs.len(), 1);
    }

    #[test]
    fn plain_comments_get_an_unasked_answer_only_by_chance_and_only_new_ones() {
        let mut cfg = config();
        cfg.entities[0].response_chance = 1.0;
        let plain = [c("old", 5, None), c("new", 20, None)];
        let (jobs, _) = plan(&plain, &cfg, &Ledger::default(), Instant::now(), 10);
        let ids: Vec<_> = jobs.iter().map(|j| j.comment.id.as_str()).collect();
        assert_eq!(ids, ["new"]);
        let (none, _) = plan(&plain, &config(), &Ledger::default(), Instant::now(), 0);
        assert!(none.is_empty(), "chance 0: never");
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let mut e = config().find("poet").cloned().expect("poet");
        let t0 = Instant::now();
        let mut book = RateBook::default();
        assert_eq!(book.wait(&e, t0), None);
        book.record("poet", t0);
        // minSecondsBetweenPosts = 2
        let w = book
            .wait(&e, t0 + Duration::from_millis(500))
            .expect("waits");
        assert!(
            w > Duration::from_millis(1400) && w <= Duration::from_millis(1500),
            "{w:?}"
        );
        assert_eq!(book.wait(&e, t0 + Duration::from_secs(2)), None);
        // maxPostsPerMinute: the next is due when the oldest leaves the minute.
        e.rate_limits.min_seconds_between_posts = None;
        e.rate_limits.max_posts_per_minute = Some(2);
        book.record("poet", t0 + Duration::from_secs(10));
        let w = book
            .wait(&e, t0 + Duration::from_secs(20))
            .expect("full minute");
        assert_eq!(w, Duration::from_secs(40));
    }
}
