//! The wire format as JavaScript values: what the API's JSON parses to (`JSON.parse`) and what
//! IndexedDB keeps (the comments exactly as served).
//!
//! Written out by hand rather than derived with serde: serde's generated code and a
//! deserializer for it are about 19 KB of the page's gzip budget (docs/app.md, "Size"). The
//! rules are the wire types' own: required fields must be there with the right type, optional
//! ones may be missing or `null`, and anything else is `None` (the caller's decode error).

use js_sys::{Array, Object, Reflect, JSON};
use saywhatwant_wire::live::Ack;
use saywhatwant_wire::{BotParams, Comment, CommentsPage, ErrorBody, MessageType, Source};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::draft::NewCommentBody;
use crate::model::video::{is_key, Video};

/// `JSON.parse`, `None` for text that is not JSON.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

fn get(v: &JsValue, key: &str) -> Option<JsValue> {
    let x = Reflect::get(v, &key.into()).ok()?;
    (!x.is_null() && !x.is_undefined()).then_some(x)
}

fn string(v: &JsValue, key: &str) -> Option<String> {
    get(v, key)?.as_string()
}

fn array(v: JsValue) -> Option<Array> {
    Array::is_array(&v).then(|| v.unchecked_into())
}

/// A whole number from 0 to 2^53 (what JSON can carry exactly).
fn whole(v: &JsValue, key: &str) -> Option<u64> {
    let n = get(v, key)?.as_f64()?;
    (n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0).then_some(n as u64)
}

/// A field that may be left out: missing or `null` is `Some(None)`, the wrong type `None`.
fn optional<T>(
    v: &JsValue,
    key: &str,
    read: impl Fn(&JsValue, &str) -> Option<T>,
) -> Option<Option<T>> {
    match get(v, key) {
        None => Some(None),
        Some(_) => read(v, key).map(Some),
    }
}

pub fn comment(v: &JsValue) -> Option<Comment> {
    let context = match get(v, "context") {
        None => None,
        Some(list) => Some(strings(list)?),
    };
    Some(Comment {
        id: string(v, "id")?,
        text: string(v, "text")?,
        timestamp: whole(v, "timestamp")?,
        username: optional(v, "username", string)?,
        color: optional(v, "color", string)?,
        domain: string(v, "domain")?,
        language: string(v, "language")?,
        message_type: MessageType::parse(&string(v, "message-type")?)?,
        misc: optional(v, "misc", string)?.unwrap_or_default(),
        context,
        bot_params: optional(v, "botParams", |v, k| bot_params(&get(v, k)?))?,
        reply_to: optional(v, "replyTo", string)?,
    })
}

/// A record the original app kept in its version-4 database: it may lack `domain`,
/// `language` and `message-type`, and write colours as `rgb(r, g, b)`. Filled in as the
/// worker's import does (`unknown`, `en`, human); a colour that does not parse is dropped, and
/// so is a field of the wrong type.
pub fn legacy_comment(v: &JsValue) -> Option<Comment> {
    let or = |key: &str, default: &str| string(v, key).unwrap_or_else(|| default.to_owned());
    Some(Comment {
        id: string(v, "id")?,
        text: string(v, "text")?,
        timestamp: whole(v, "timestamp")?,
        username: string(v, "username"),
        color: string(v, "color")
            .and_then(|c| crate::model::color::Rgb::from_legacy(&c))
            .map(crate::model::color::Rgb::to_wire),
        domain: or("domain", "unknown"),
        language: or("language", "en"),
        message_type: string(v, "message-type")
            .and_then(|t| MessageType::parse(&t))
            .unwrap_or(MessageType::Human),
        misc: or("misc", ""),
        context: get(v, "context").and_then(strings),
        bot_params: get(v, "botParams").and_then(|b| bot_params(&b)),
        reply_to: string(v, "replyTo"),
    })
}

/// An array of strings (a post's `context`).
pub fn strings(list: JsValue) -> Option<Vec<String>> {
    array(list)?.iter().map(|s| s.as_string()).collect()
}

pub fn bot_params(v: &JsValue) -> Option<BotParams> {
    let small = |v: &JsValue, k: &str| whole(v, k).and_then(|n| u8::try_from(n).ok());
    let count = |v: &JsValue, k: &str| whole(v, k).and_then(|n| u32::try_from(n).ok());
    let flag = |v: &JsValue, k: &str| get(v, k)?.as_bool();
    Some(BotParams {
        entity: optional(v, "entity", string)?,
        priority: optional(v, "priority", small)?,
        model: optional(v, "model", string)?,
        nom: optional(v, "nom", count)?,
        ais: optional(v, "ais", string)?,
        processed: optional(v, "processed", flag)?,
    })
}

/// The video manifest: `videos`, each with a key (`video::is_key`) and an address that is
/// http(s) or on this site (`/…`); other entries are left out.
pub fn videos(v: &JsValue) -> Option<Vec<Video>> {
    let list: Array = Reflect::get(v, &"videos".into()).ok()?.dyn_into().ok()?;
    Some(
        list.iter()
            .filter_map(|e| {
                let (key, url) = (string(&e, "key")?, string(&e, "url")?);
                let good = url.starts_with("https://")
                    || url.starts_with("http://")
                    || (url.starts_with('/') && !url.starts_with("//"));
                (is_key(&key) && good).then_some(Video { key, url })
            })
            .collect(),
    )
}

pub fn page(v: &JsValue) -> Option<CommentsPage> {
    let comments = array(get(v, "comments")?)?;
    Some(CommentsPage {
        comments: comments
            .iter()
            .map(|c| comment(&c))
            .collect::<Option<_>>()?,
        has_more: get(v, "hasMore")?.as_bool()?,
        cursor: optional(v, "cursor", string)?,
        source: match string(v, "source")?.as_str() {
            "cache" => Source::Cache,
            "fresh" => Source::Fresh,
            _ => return None,
        },
        removed: match get(v, "removed") {
            None => Vec::new(),
            Some(list) => strings(list)?,
        },
    })
}

/// Readers online (`{"online": n}`), a message of the live channel that is not a page.
pub fn presence(v: &JsValue) -> Option<u64> {
    match get(v, "comments") {
        Some(_) => None,
        None => whole(v, "online"),
    }
}

/// The answer to a post on the live channel (`{"ack": id, "status": n, …}`).
pub fn ack(v: &JsValue) -> Option<Ack> {
    if !Reflect::has(v, &"ack".into()).ok()? {
        return None;
    }
    Some(Ack {
        ack: optional(v, "ack", string)?,
        status: u16::try_from(whole(v, "status")?).ok()?,
        comment: optional(v, "comment", |v, k| comment(&get(v, k)?))?,
        error: optional(v, "error", string)?,
        code: optional(v, "code", string)?,
        retry_after: optional(v, "retryAfter", |v, k| u32::try_from(whole(v, k)?).ok())?,
    })
}

pub fn error_body(v: &JsValue) -> Option<ErrorBody> {
    Some(ErrorBody {
        error: string(v, "error")?,
        code: string(v, "code")?,
    })
}

fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &key.into(), &value.into());
}

fn set_some<T: Into<JsValue>>(o: &Object, key: &str, value: Option<T>) {
    if let Some(v) = value {
        set(o, key, v);
    }
}

/// The comment as the API serves it (optional fields left out when empty).
pub fn comment_to_js(c: &Comment) -> JsValue {
    let o = Object::new();
    set(&o, "id", c.id.as_str());
    set(&o, "text", c.text.as_str());
    set(&o, "timestamp", c.timestamp as f64);
    set_some(&o, "username", c.username.as_deref());
    set_some(&o, "color", c.color.as_deref());
    set(&o, "domain", c.domain.as_str());
    set(&o, "language", c.language.as_str());
    set(&o, "message-type", c.message_type.as_str());
    set(&o, "misc", c.misc.as_str());
    set_context(&o, c.context.as_deref());
    set_some(&o, "botParams", c.bot_params.as_ref().map(bot_params_to_js));
    set_some(&o, "replyTo", c.reply_to.as_deref());
    o.into()
}

fn set_context(o: &Object, context: Option<&[String]>) {
    if let Some(context) = context {
        let list: Array = context.iter().map(|s| JsValue::from(s.as_str())).collect();
        set(o, "context", list);
    }
}

pub fn bot_params_to_js(b: &BotParams) -> JsValue {
    let p = Object::new();
    set_some(&p, "entity", b.entity.as_deref());
    set_some(&p, "priority", b.priority);
    set_some(&p, "model", b.model.as_deref());
    set_some(&p, "nom", b.nom);
    set_some(&p, "ais", b.ais.as_deref());
    set_some(&p, "processed", b.processed);
    p.into()
}

/// The body of `POST /api/comments`.
pub fn new_comment_json(b: &NewCommentBody<'_>) -> Option<String> {
    let o = Object::new();
    set(&o, "id", b.id);
    set(&o, "text", b.text);
    set_some(&o, "username", b.username);
    set_some(&o, "color", b.color);
    set(&o, "message-type", b.message_type);
    set_some(&o, "botParams", b.bot_params.map(bot_params_to_js));
    set_context(&o, b.context);
    JSON::stringify(&o).ok()?.as_string()
}
