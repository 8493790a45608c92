//! Posting on the live channel: a client that holds a socket sends `{"post": <comment>}` on it
//! instead of `POST /api/comments` (an incoming WebSocket message is billed a twentieth of a
//! request and needs no Worker). The rules are HTTP's, and so is the answer: an [`Ack`] with
//! the status HTTP would have given and the stored comment, or the error.
//!
//! The comment's `id` is required here: the acknowledgement names the post by it, and a client
//! that hears no acknowledgement (the socket dropped) posts it again over HTTP under the same
//! id, which stores it once.

use serde_json::Value;

use crate::validate::{new_comment, object, FieldError, NewComment};
use crate::{Comment, ErrorBody};

/// The message's one field.
pub const POST_FIELD: &str = "post";

/// How long a client waits for an [`Ack`] before it posts over HTTP instead (same id, so at
/// most one comment is stored). A commit answers within a round, 100 ms; this covers a slow
/// log and a busy relay.
pub const ACK_WAIT_MS: u64 = 5_000;

/// A post on the channel, validated as `POST /api/comments` validates its body, with its id.
pub fn parse_channel_post(message: &[u8]) -> Result<NewComment, FieldError> {
    let map = object(message)?;
    if let Some(other) = map.keys().find(|k| k.as_str() != POST_FIELD) {
        return Err(FieldError::unknown(other, &[POST_FIELD]));
    }
    let post = match map.get(POST_FIELD) {
        Some(Value::Object(post)) => post,
        _ => {
            return Err(FieldError::invalid(
                POST_FIELD,
                "is required: an object, the comment as `POST /api/comments` takes it",
            ))
        }
    };
    let new = new_comment(post)?;
    if new.id.is_none() {
        return Err(FieldError::invalid(
            "id",
            "is required on the channel: the acknowledgement names the post by it",
        ));
    }
    Ok(new)
}

/// The message that starts a post: `{"post": <body>}`, `body` being the JSON of
/// `POST /api/comments`.
pub fn channel_post(body_json: &str) -> String {
    format!("{{\"{POST_FIELD}\":{body_json}}}")
}

/// The answer to a post on the channel, sent on the same socket once the log has committed it
/// (or refused it). `status` is what HTTP would have answered: 201 stored, 200 stored before
/// under that id, otherwise the error's status, with `error` and `code` as in an error body.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ack {
    /// The post's id; first, so a client can tell an answer from a frame by how it starts
    /// (`{"ack"`) before reading it whole. `None` when the message had none that could be read.
    pub ack: Option<String>,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Seconds to wait before posting again (`Retry-After` of a 429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

impl Ack {
    pub fn stored(comment: Comment, created: bool) -> Ack {
        Ack {
            ack: Some(comment.id.clone()),
            status: if created { 201 } else { 200 },
            comment: Some(comment),
            error: None,
            code: None,
            retry_after: None,
        }
    }

    pub fn failed(
        id: Option<String>,
        status: u16,
        body: ErrorBody,
        retry_after: Option<u32>,
    ) -> Ack {
        Ack {
            ack: id,
            status,
            comment: None,
            error: Some(body.error),
            code: Some(body.code),
            retry_after,
        }
    }

    /// The id a message names, read as far as it can be, for the answer to a message that did
    /// not pass (so the sender knows which of its posts failed).
    pub fn id_of(message: &[u8]) -> Option<String> {
        let v: Value = serde_json::from_slice(message).ok()?;
        let id = v.get(POST_FIELD)?.get("id")?.as_str()?.trim();
        crate::is_valid_id(id).then(|| id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_the_http_body_with_its_id() {
        let m = channel_post(r#"{"id":"p1","text":" hi ","username":"ann"}"#);
        let new = parse_channel_post(m.as_bytes()).expect("valid");
        assert_eq!(new.id.as_deref(), Some("p1"));
        assert_eq!(new.text, "hi");
        assert_eq!(new.username.as_deref(), Some("ann"));
    }

    #[test]
    fn every_refusal_names_what_was_wrong() {
        let cases: &[(&str, &str, &str)] = &[
            ("not json", "invalid_json", "JSON object"),
            ("[1]", "invalid_json", "an array"),
            (r#"{"text":"hi"}"#, "unknown_field", "`text`"),
            ("{}", "invalid_field", "`post` is required"),
            (r#"{"post":"hi"}"#, "invalid_field", "`post` is required"),
            (
                r#"{"post":{"text":"hi"}}"#,
                "invalid_field",
                "`id` is required",
            ),
            (
                r#"{"post":{"id":"a b","text":"hi"}}"#,
                "invalid_field",
                "`id`",
            ),
            (
                r#"{"post":{"id":"p","text":"  "}}"#,
                "invalid_field",
                "`text`",
            ),
            (
                r#"{"post":{"id":"p","text":"x","usernme":"a"}}"#,
                "unknown_field",
                "`usernme`",
            ),
        ];
        for (message, code, says) in cases {
            let e = parse_channel_post(message.as_bytes()).expect_err(message);
            assert_eq!(e.code, *code, "{message}");
            assert!(e.message.contains(says), "{message}: {}", e.message);
        }
    }

    #[test]
    fn an_ack_reads_as_the_contract_writes_it() {
        let failed = Ack::failed(
            Ack::id_of(br#"{"post":{"id":"p9","text":""}}"#),
            400,
            ErrorBody {
                error: "`text` is required".into(),
                code: "invalid_field".into(),
            },
            None,
        );
        let json = serde_json::to_value(&failed).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"ack": "p9", "status": 400, "error": "`text` is required", "code": "invalid_field"})
        );
        assert_eq!(Ack::id_of(b"{}"), None);
        assert_eq!(Ack::id_of(br#"{"post":{"id":"no spaces"}}"#), None);
    }
}
