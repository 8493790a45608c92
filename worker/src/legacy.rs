//! Reading a stream stored in the original design's Workers KV layout, for importing it into
//! the log: one key per comment, `comment:<ms>:<id>`, its JSON as the value. Keys list in
//! time order (13-digit millisecond timestamps), which is the order the log keeps.

use futures::future::join_all;
use saywhatwant_wire::{is_valid_color, BotParams, Comment, MessageType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::kv::{Kv, KvError};
use crate::log::import::Refused;

pub const ORIGINAL_PREFIX: &str = "comment:";
/// Keys per import step: one list and at most this many gets, well inside Workers' 1000 KV
/// operations per request.
pub const IMPORT_PAGE: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LegacyPage {
    pub comments: Vec<Comment>,
    /// Keys whose value could not be read as a comment.
    pub unreadable: Vec<Refused>,
    /// Where the next step starts; `None` when this was the last page.
    pub cursor: Option<String>,
}

/// One page of the original layout, from `cursor` (`None`: the start).
pub async fn read_page<K: Kv>(kv: &K, cursor: Option<&str>) -> Result<LegacyPage, KvError> {
    let page = kv.list(ORIGINAL_PREFIX, IMPORT_PAGE, cursor).await?;
    let values = join_all(page.keys.iter().map(|k| kv.get(&k.name))).await;
    let mut out = LegacyPage {
        cursor: if page.complete { None } else { page.cursor },
        ..LegacyPage::default()
    };
    for (key, value) in page.keys.iter().zip(values) {
        match value?.as_deref().map(|v| parse_original(&key.name, v)) {
            Some(Ok(c)) => out.comments.push(c),
            Some(Err(reason)) => out.unreadable.push(Refused {
                id: key.name.chars().take(80).collect(),
                reason,
            }),
            // Deleted between the list and the get: nothing to import.
            None => {}
        }
    }
    Ok(out)
}

/// A comment as the original stored it, read leniently: what is missing takes the API's
/// defaults, a colour in another format is dropped, the key supplies a missing id or time.
pub fn parse_original(key: &str, value: &str) -> Result<Comment, String> {
    let map: Map<String, Value> =
        serde_json::from_str(value).map_err(|e| format!("the value is not a JSON object: {e}"))?;
    let mut parts = key
        .strip_prefix(ORIGINAL_PREFIX)
        .unwrap_or(key)
        .splitn(2, ':');
    let key_ts = parts.next().and_then(|t| t.parse::<u64>().ok());
    let key_id = parts.next();
    let text = |name: &str| map.get(name).and_then(Value::as_str).map(str::trim);
    let id = text("id")
        .filter(|s| !s.is_empty())
        .or(key_id)
        .ok_or("no id in the value or the key")?
        .to_owned();
    let body = text("text")
        .filter(|t| !t.is_empty())
        .ok_or("no text")?
        .to_owned();
    let timestamp = map
        .get("timestamp")
        .and_then(Value::as_u64)
        .or(key_ts)
        .ok_or("no timestamp in the value or the key")?;
    Ok(Comment {
        id,
        text: body,
        timestamp,
        username: text("username")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        color: text("color")
            .filter(|c| is_valid_color(c))
            .map(str::to_owned),
        domain: text("domain")
            .filter(|s| !s.is_empty())
            .unwrap_or("unknown")
            .to_owned(),
        language: text("language")
            .filter(|s| !s.is_empty())
            .unwrap_or("en")
            .to_owned(),
        message_type: text("message-type")
            .and_then(MessageType::parse)
            .unwrap_or_default(),
        misc: text("misc").unwrap_or("").to_owned(),
        context: map.get("context").and_then(|v| {
            v.as_array().map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
        }),
        bot_params: map
            .get("botParams")
            .and_then(|v| BotParams::deserialize(v).ok()),
        reply_to: text("replyTo")
            .filter(|s| saywhatwant_wire::is_valid_id(s))
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_original_wrote_and_fills_the_gaps() {
        let c = parse_original(
            "comment:1761239864515:abc",
            r#"{"id":"abc","text":" hi ","timestamp":1761239864515,"username":"bob",
                "color":"rgb(1,2,3)","message-type":"AI","extra":"kept out",
                "botParams":{"processed":true,"entity":"e"}}"#,
        )
        .expect("a comment");
        assert_eq!(
            (c.id.as_str(), c.text.as_str(), c.timestamp),
            ("abc", "hi", 1761239864515)
        );
        assert_eq!((c.color, c.message_type), (None, MessageType::Ai));
        assert_eq!((c.domain.as_str(), c.language.as_str()), ("unknown", "en"));
        assert_eq!(c.bot_params.and_then(|b| b.processed), Some(true));
        let from_key = parse_original("comment:17:k-1", r#"{"text":"x"}"#).expect("ok");
        assert_eq!((from_key.id.as_str(), from_key.timestamp), ("k-1", 17));
        for bad in ["[1]", "{", r#"{"text":""}"#] {
            assert!(parse_original("comment:1:x", bad).is_err(), "{bad}");
        }
        assert!(parse_original("comment:x", r#"{"text":"t"}"#).is_err());
    }
}
