//! Validation of request bodies. Every error names the field at fault so a person can fix it.
//!
//! Unknown fields are rejected (`unknown_field`) rather than ignored: a misspelt `usernme`
//! silently dropped would lose what the sender meant.

use serde_json::{Map, Value};

use crate::hygiene::{has_hidden_characters, has_stray_controls, has_visible};
use crate::{BotParams, Comment, MessageType};

/// Sized for the largest body a conversation link sends: 200 context lines of a typical
/// length (`MAX_CONTEXT_BYTES`) plus a maximal comment around them.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const MAX_TEXT_CHARS: usize = 1000;
/// A person's name.
pub const MAX_USERNAME_CHARS: usize = 16;
/// An AI entity's name (`message-type: AI`, which needs the bot credential): the original's
/// entities had names up to 21 characters, and a conversation link's `ais` may name one.
pub const MAX_AI_USERNAME_CHARS: usize = 32;
/// `context`: the rows the person saw, `"username: text"`, oldest first (a conversation
/// link's `nom`, up to 200 as the original's entities used).
pub const MAX_CONTEXT_ITEMS: usize = 200;
/// One context line: an AI's name, `": "` and a whole comment.
pub const MAX_CONTEXT_LINE_CHARS: usize = MAX_AI_USERNAME_CHARS + 2 + MAX_TEXT_CHARS;
/// All context lines together, in UTF-8 bytes: the page drops the oldest lines to stay under.
pub const MAX_CONTEXT_BYTES: usize = 48 * 1024;
const MAX_ID_LEN: usize = 64;
/// Ids that start with this are the bots' replies (`re-<original id>`): only a request with
/// the bot credential may post one, so nobody can answer in a bot's place.
pub const RESERVED_ID_PREFIX: &str = "re-";
const MAX_SHORT_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// `invalid_json`, `unknown_field` or `invalid_field`.
    pub code: &'static str,
    /// The field at fault (`botParams.priority`), when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl FieldError {
    pub(crate) fn invalid(field: &str, rule: &str) -> Self {
        FieldError {
            code: "invalid_field",
            field: Some(field.to_owned()),
            message: format!("`{field}` {rule}"),
        }
    }

    pub(crate) fn unknown(field: &str, known: &[&str]) -> Self {
        FieldError {
            code: "unknown_field",
            field: Some(field.to_owned()),
            message: format!(
                "`{field}` is not a known field (known: {})",
                known.join(", ")
            ),
        }
    }

    fn json(detail: impl std::fmt::Display) -> Self {
        FieldError {
            code: "invalid_json",
            field: None,
            message: format!("the body must be a JSON object: {detail}"),
        }
    }
}

/// A POST body that passed validation; the log adds the id, timestamp and domain.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct NewComment {
    pub id: Option<String>,
    pub text: String,
    pub username: Option<String>,
    pub color: Option<String>,
    pub domain: Option<String>,
    pub language: Option<String>,
    pub message_type: MessageType,
    pub misc: String,
    pub context: Option<Vec<String>>,
    pub bot_params: Option<BotParams>,
    pub reply_to: Option<String>,
}

impl NewComment {
    pub fn into_comment(self, id: String, timestamp: u64, default_domain: &str) -> Comment {
        Comment {
            id,
            text: self.text,
            timestamp,
            username: self.username,
            color: self.color,
            domain: self.domain.unwrap_or_else(|| default_domain.to_owned()),
            language: self.language.unwrap_or_else(|| "en".to_owned()),
            message_type: self.message_type,
            misc: self.misc,
            context: self.context,
            bot_params: self.bot_params,
            reply_to: self.reply_to,
        }
    }
}

/// A PATCH body: the only change a client may make to a stored comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Patch {
    pub processed: bool,
}

const COMMENT_FIELDS: &[&str] = &[
    "id",
    "text",
    "timestamp",
    "username",
    "color",
    "domain",
    "language",
    "message-type",
    "misc",
    "context",
    "botParams",
    "replyTo",
];
const BOT_FIELDS: &[&str] = &["entity", "priority", "model", "nom", "ais", "processed"];

pub fn is_reserved_id(id: &str) -> bool {
    id.starts_with(RESERVED_ID_PREFIX)
}

/// The id of a bot's reply to `original`: `re-<id>`, or for ids too long for that, a shortened
/// id plus a hash of the whole, so it still fits the 64-character rule and never collides by
/// truncation. Stable, so a bot that answers twice posts one reply (the second is a no-op).
pub fn reply_id(original: &str) -> String {
    let id = format!("{RESERVED_ID_PREFIX}{original}");
    if id.len() <= MAX_ID_LEN {
        return id;
    }
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let hash = original.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let head = original.get(..44).unwrap_or(original);
    format!("{RESERVED_ID_PREFIX}{head}-{hash:016x}")
}

pub fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `RRRGGGBBB`: nine digits, each three-digit channel 000–255.
pub fn is_valid_color(c: &str) -> bool {
    c.len() == 9
        && c.bytes().all(|b| b.is_ascii_digit())
        && (0..3).all(|i| c[i * 3..i * 3 + 3].parse::<u16>().is_ok_and(|v| v <= 255))
}

pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, FieldError> {
    match serde_json::from_slice::<Value>(body).map_err(FieldError::json)? {
        Value::Object(map) => Ok(map),
        other => Err(FieldError::json(format!("got {}", kind(&other)))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string field, trimmed; `null` counts as absent.
fn string(field: &str, v: &Value, max_chars: usize) -> Result<Option<String>, FieldError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => {
            let t = s.trim();
            if t.chars().count() > max_chars {
                Err(FieldError::invalid(
                    field,
                    &format!("must be at most {max_chars} characters"),
                ))
            } else if t.is_empty() {
                Ok(None)
            } else {
                Ok(Some(t.to_owned()))
            }
        }
        other => Err(FieldError::invalid(
            field,
            &format!("must be a string, not {}", kind(other)),
        )),
    }
}

/// A name or site: trimmed, and nothing in it may hide or reorder what is shown.
fn name_like(field: &str, v: &Value, max_chars: usize) -> Result<Option<String>, FieldError> {
    let s = string(field, v, max_chars)?;
    if s.as_deref().is_some_and(has_hidden_characters) {
        return Err(FieldError::invalid(
            field,
            "must not contain control, zero-width or text-direction characters",
        ));
    }
    Ok(s)
}

pub fn parse_new_comment(body: &[u8]) -> Result<NewComment, FieldError> {
    new_comment(&object(body)?)
}

/// The fields of a new comment, as `POST /api/comments` and a post on the channel take them.
pub(crate) fn new_comment(map: &Map<String, Value>) -> Result<NewComment, FieldError> {
    let mut c = NewComment::default();
    let mut text = None;
    for (name, v) in map {
        match name.as_str() {
            "id" => c.id = comment_id("id", v)?,
            "replyTo" => c.reply_to = comment_id("replyTo", v)?,
            "text" => {
                text = string("text", v, MAX_TEXT_CHARS)?;
                if let Some(t) = &text {
                    no_stray_controls("text", t)?;
                    if !has_visible(t) {
                        return Err(FieldError::invalid(
                            "text",
                            "must contain at least one visible character",
                        ));
                    }
                }
            }
            // The server sets the time; a client's clock is never trusted.
            "timestamp" => {}
            // The limit depends on `message-type`, which may come later: checked below.
            "username" => c.username = name_like("username", v, MAX_AI_USERNAME_CHARS)?,
            "color" => {
                c.color = string("color", v, 9)?;
                if c.color.as_deref().is_some_and(|s| !is_valid_color(s)) {
                    return Err(FieldError::invalid(
                        "color",
                        "must be nine digits RRRGGGBBB, each channel 000–255",
                    ));
                }
            }
            "domain" => c.domain = name_like("domain", v, MAX_SHORT_CHARS)?,
            "language" => {
                c.language = string("language", v, 35)?;
                // A language tag (`en`, `pt-BR`, `zh-Hant`): it ends up in exports and headers.
                if c.language
                    .as_deref()
                    .is_some_and(|l| !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                {
                    return Err(FieldError::invalid(
                        "language",
                        "must be a language tag: ASCII letters, digits and `-`",
                    ));
                }
            }
            "message-type" => {
                c.message_type = match v {
                    Value::Null => MessageType::Human,
                    Value::String(s) => MessageType::parse(s).ok_or_else(|| {
                        FieldError::invalid("message-type", "must be `human` or `AI`")
                    })?,
                    _ => {
                        return Err(FieldError::invalid(
                            "message-type",
                            "must be `human` or `AI`",
                        ))
                    }
                }
            }
            "misc" => {
                c.misc = string("misc", v, MAX_TEXT_CHARS)?.unwrap_or_default();
                no_stray_controls("misc", &c.misc)?;
            }
            "context" => c.context = context(v)?,
            "botParams" => c.bot_params = bot_params(v)?,
            other => return Err(FieldError::unknown(other, COMMENT_FIELDS)),
        }
    }
    if c.message_type == MessageType::Human
        && c.username
            .as_ref()
            .is_some_and(|u| u.chars().count() > MAX_USERNAME_CHARS)
    {
        return Err(FieldError::invalid(
            "username",
            &format!(
                "must be at most {MAX_USERNAME_CHARS} characters \
                 ({MAX_AI_USERNAME_CHARS} for `message-type: AI`)"
            ),
        ));
    }
    c.text = text.ok_or_else(|| {
        FieldError::invalid(
            "text",
            &format!("is required: 1–{MAX_TEXT_CHARS} characters after trimming"),
        )
    })?;
    Ok(c)
}

fn no_stray_controls(field: &str, s: &str) -> Result<(), FieldError> {
    if has_stray_controls(s) {
        return Err(FieldError::invalid(
            field,
            "must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(())
}

/// An id field: 1–64 of `[A-Za-z0-9_-]`.
fn comment_id(field: &str, v: &Value) -> Result<Option<String>, FieldError> {
    let id = string(field, v, MAX_ID_LEN)?;
    if id.as_deref().is_some_and(|id| !is_valid_id(id)) {
        return Err(FieldError::invalid(
            field,
            "must be 1–64 of A–Z, a–z, 0–9, `_` and `-`",
        ));
    }
    Ok(id)
}

fn context(v: &Value) -> Result<Option<Vec<String>>, FieldError> {
    let rule = || {
        FieldError::invalid(
            "context",
            &format!(
                "must be an array of at most {MAX_CONTEXT_ITEMS} strings of at most \
                 {MAX_CONTEXT_LINE_CHARS} characters, {MAX_CONTEXT_BYTES} bytes in all"
            ),
        )
    };
    match v {
        Value::Null => Ok(None),
        Value::Array(items) if items.len() <= MAX_CONTEXT_ITEMS => {
            let lines = items
                .iter()
                .map(|i| match i {
                    Value::String(s)
                        if s.chars().count() <= MAX_CONTEXT_LINE_CHARS
                            && !has_stray_controls(s) =>
                    {
                        Ok(s.clone())
                    }
                    _ => Err(rule()),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if lines.iter().map(String::len).sum::<usize>() > MAX_CONTEXT_BYTES {
                return Err(rule());
            }
            Ok(Some(lines))
        }
        _ => Err(rule()),
    }
}

fn bot_params(v: &Value) -> Result<Option<BotParams>, FieldError> {
    let map = match v {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        other => {
            return Err(FieldError::invalid(
                "botParams",
                &format!("must be an object, not {}", kind(other)),
            ))
        }
    };
    let mut b = BotParams::default();
    for (name, v) in map {
        let field = format!("botParams.{name}");
        match name.as_str() {
            "entity" => b.entity = name_like(&field, v, MAX_SHORT_CHARS)?,
            "model" => b.model = name_like(&field, v, MAX_SHORT_CHARS)?,
            "ais" => b.ais = name_like(&field, v, MAX_SHORT_CHARS)?,
            "priority" => {
                b.priority = match v {
                    Value::Null => None,
                    _ => Some(v.as_u64().filter(|p| *p <= 99).ok_or_else(|| {
                        FieldError::invalid(&field, "must be a whole number from 0 to 99")
                    })? as u8),
                }
            }
            "nom" => {
                b.nom =
                    match v {
                        Value::Null => None,
                        _ => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                            || FieldError::invalid(&field, "must be a whole number"),
                        )?),
                    }
            }
            "processed" => {
                b.processed = match v {
                    Value::Null => None,
                    Value::Bool(p) => Some(*p),
                    _ => return Err(FieldError::invalid(&field, "must be true or false")),
                }
            }
            _ => return Err(FieldError::unknown(&field, BOT_FIELDS)),
        }
    }
    Ok(Some(b))
}

/// `{"botParams": {"processed": true|false}}` and nothing else.
pub fn parse_patch(body: &[u8]) -> Result<Patch, FieldError> {
    let map = object(body)?;
    let shape = "the body must be {\"botParams\": {\"processed\": true|false}}";
    if let Some(other) = map.keys().find(|k| *k != "botParams") {
        return Err(FieldError::unknown(other, &["botParams"]));
    }
    let bp = match map.get("botParams") {
        Some(Value::Object(bp)) => bp,
        _ => return Err(FieldError::invalid("botParams", shape)),
    };
    if let Some(other) = bp.keys().find(|k| *k != "processed") {
        return Err(FieldError::unknown(
            &format!("botParams.{other}"),
            &["processed"],
        ));
    }
    match bp.get("processed") {
        Some(Value::Bool(p)) => Ok(Patch { processed: *p }),
        _ => Err(FieldError::invalid(
            "botParams.processed",
            "must be true or false",
        )),
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
