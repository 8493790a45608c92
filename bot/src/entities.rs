//! The AI entities the bot speaks as, read from a file in the original system's format
//! (`config-aientities.json`; docs/bot.md lists the fields honoured). Fields this bot does not
//! use are allowed and ignored, as the original's files carry many; a field it uses with the
//! wrong type or out of range is an error naming its path (`entities[2].color: …`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use saywhatwant_wire::{is_valid_color, MAX_AI_USERNAME_CHARS};
use serde::Deserialize;

use crate::Identity;

/// Sampling settings, sent to the model as given (absent ones are left to the server).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampling {
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub top_p: Option<f64>,
    pub top_k: Option<u32>,
    pub repeat_penalty: Option<f64>,
    pub min_p: Option<f64>,
}

/// `rateLimits`: how often the entity may post. A comment over a limit waits, it is not dropped.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimits {
    pub min_seconds_between_posts: Option<f64>,
    pub max_posts_per_minute: Option<u32>,
    pub max_posts_per_hour: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Quantization {
    model_path: Option<String>,
}

/// One entity as the file has it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntity {
    id: String,
    username: String,
    color: Option<String>,
    enabled: Option<bool>,
    base_model: Option<String>,
    quantizations: Option<HashMap<String, Quantization>>,
    default_quantization: Option<String>,
    model: Option<String>,
    system_prompt: String,
    user_prompt: Option<String>,
    #[serde(default)]
    add_newline_to_context: bool,
    #[serde(default)]
    add_entity_username: bool,
    #[serde(default)]
    filter_out: Vec<String>,
    #[serde(default)]
    trim_after: Vec<String>,
    #[serde(default)]
    trim_whitespace: bool,
    // Listed one by one, not flattened: serde loses the path of an error inside a flatten.
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    top_p: Option<f64>,
    top_k: Option<u32>,
    repeat_penalty: Option<f64>,
    min_p: Option<f64>,
    default_priority: Option<u32>,
    nom: Option<u32>,
    response_chance: Option<f64>,
    #[serde(default)]
    rate_limits: RateLimits,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueSettings {
    max_concurrent_workers: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFile {
    entities: Vec<RawEntity>,
    #[serde(default)]
    queue_settings: QueueSettings,
}

/// One entity, checked and with its defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: String,
    /// Who it posts as when the conversation link gave no `ais`.
    pub me: Identity,
    pub enabled: bool,
    /// The model name sent to the server when the comment names none (`botParams.model`).
    pub model: String,
    pub system_prompt: String,
    pub user_prompt: String,
    pub add_newline_to_context: bool,
    pub add_entity_username: bool,
    pub filter_out: Vec<String>,
    pub trim_after: Vec<String>,
    pub trim_whitespace: bool,
    pub sampling: Sampling,
    /// 0–99; the queue takes the highest first.
    pub default_priority: u8,
    /// How many of the comment's context lines the model sees (the newest).
    pub nom: usize,
    /// The chance (0–1) of answering a plain comment that asked no one.
    pub response_chance: f64,
    pub rate_limits: RateLimits,
}

pub const DEFAULT_PRIORITY: u8 = 50;
pub const DEFAULT_NOM: usize = 100;
pub const DEFAULT_USER_PROMPT: &str = "Generate a response based on the conversation context.";

impl Entity {
    /// The one entity of a bot started without a file: its name, colour and model from flags.
    pub fn single(me: Identity, model: &str) -> Self {
        Entity {
            id: "default".into(),
            me: me.clone(),
            enabled: true,
            model: model.to_owned(),
            system_prompt: format!(
                "You are {}, one voice in a public chat stream. Answer in one or two short sentences.",
                me.name
            ),
            user_prompt: String::new(),
            add_newline_to_context: false,
            add_entity_username: false,
            filter_out: Vec::new(),
            trim_after: Vec::new(),
            trim_whitespace: true,
            sampling: Sampling {
                max_tokens: Some(200),
                ..Sampling::default()
            },
            default_priority: DEFAULT_PRIORITY,
            nom: DEFAULT_NOM,
            response_chance: 0.0,
            rate_limits: RateLimits::default(),
        }
    }
}

/// The entities the bot serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub entities: Vec<Entity>,
    /// `queueSettings.maxConcurrentWorkers` (the `--workers` flag wins).
    pub workers: Option<usize>,
    /// The entity for comments that ask for a bot but name none (`None`: the first enabled).
    pub default_entity: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    /// `path` is where in the file: `entities[2].color`.
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: path.into(),
        reason: reason.into(),
    }
}

impl Config {
    pub fn single(entity: Entity) -> Self {
        Config {
            entities: vec![entity],
            workers: None,
            default_entity: None,
        }
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let reason = e.into_inner().to_string();
            invalid(
                if path == "." {
                    "(the file)".into()
                } else {
                    path
                },
                reason,
            )
        })?;
        let mut seen = HashSet::new();
        let mut entities = Vec::with_capacity(raw.entities.len());
        for (i, e) in raw.entities.into_iter().enumerate() {
            let at = |field: &str| format!("entities[{i}].{field}");
            let id = e.id.trim().to_owned();
            if id.is_empty() || id.chars().count() > 128 {
                return Err(invalid(at("id"), "must be 1–128 characters"));
            }
            if !seen.insert(id.clone()) {
                return Err(invalid(at("id"), format!("`{id}` is used twice")));
            }
            let name = e.username.trim().to_owned();
            if name.is_empty() || name.chars().count() > MAX_AI_USERNAME_CHARS {
                return Err(invalid(
                    at("username"),
                    format!("must be 1–{MAX_AI_USERNAME_CHARS} characters"),
                ));
            }
            let color = e.color.unwrap_or_else(|| "120200255".into());
            if !is_valid_color(&color) {
                return Err(invalid(
                    at("color"),
                    "must be nine digits RRRGGGBBB, each 000–255",
                ));
            }
            let priority = e.default_priority.unwrap_or(u32::from(DEFAULT_PRIORITY));
            if priority > 99 {
                return Err(invalid(at("defaultPriority"), "must be 0–99"));
            }
            let chance = e.response_chance.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&chance) {
                return Err(invalid(at("responseChance"), "must be from 0 to 1"));
            }
            if e.rate_limits
                .min_seconds_between_posts
                .is_some_and(|s| !(0.0..=86_400.0).contains(&s))
            {
                return Err(invalid(
                    at("rateLimits.minSecondsBetweenPosts"),
                    "must be 0–86400",
                ));
            }
            if e.filter_out
                .iter()
                .chain(&e.trim_after)
                .any(String::is_empty)
            {
                return Err(invalid(
                    at("filterOut/trimAfter"),
                    "must not hold an empty phrase",
                ));
            }
            // The model: the chosen quantization's path, else the base model, else `model`.
            let quantized = e.default_quantization.as_ref().and_then(|q| {
                e.quantizations
                    .as_ref()
                    .and_then(|all| all.get(q))
                    .and_then(|v| v.model_path.clone())
            });
            let model = quantized
                .or(e.base_model)
                .or(e.model)
                .unwrap_or_else(|| "unknown".into());
            entities.push(Entity {
                id,
                me: Identity { name, color },
                enabled: e.enabled != Some(false),
                model,
                system_prompt: e.system_prompt,
                user_prompt: e.user_prompt.unwrap_or_else(|| DEFAULT_USER_PROMPT.into()),
                add_newline_to_context: e.add_newline_to_context,
                add_entity_username: e.add_entity_username,
                filter_out: e.filter_out,
                trim_after: e.trim_after,
                trim_whitespace: e.trim_whitespace,
                sampling: Sampling {
                    temperature: e.temperature,
                    max_tokens: e.max_tokens,
                    top_p: e.top_p,
                    top_k: e.top_k,
                    repeat_penalty: e.repeat_penalty,
                    min_p: e.min_p,
                },
                default_priority: priority as u8,
                nom: e.nom.map_or(DEFAULT_NOM, |n| n as usize),
                response_chance: chance,
                rate_limits: e.rate_limits,
            });
        }
        if entities.is_empty() {
            return Err(invalid("entities", "must name at least one entity"));
        }
        let workers = match raw.queue_settings.max_concurrent_workers {
            Some(0) => {
                return Err(invalid(
                    "queueSettings.maxConcurrentWorkers",
                    "must be at least 1",
                ))
            }
            w => w.map(|w| w as usize),
        };
        Ok(Config {
            entities,
            workers,
            default_entity: None,
        })
    }

    pub fn find(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// Who answers a comment that asks for a bot without naming one.
    pub fn default_entity(&self) -> Option<&Entity> {
        match &self.default_entity {
            Some(id) => self.find(id),
            None => self.entities.iter().find(|e| e.enabled),
        }
    }
}

/// The file's identity when it was read: a change of either means "read it again".
pub fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

#[cfg(test)]
#[path = "entities_tests.rs"]
mod tests;
