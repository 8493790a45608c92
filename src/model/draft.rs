//! The composer's rules and the posts that have not reached the server yet.

use saywhatwant_wire::BotParams;
use saywhatwant_wire::{is_valid_id, MAX_USERNAME_CHARS};
use serde::Serialize;

use crate::config::MAX_MESSAGE_CHARS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("Write something first.")]
    Empty,
    #[error("{over} characters too long.")]
    TooLong { over: usize },
}

/// The text that will be sent, or why not.
pub fn check(text: &str) -> Result<String, DraftError> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(DraftError::Empty)
    } else if n > MAX_MESSAGE_CHARS {
        Err(DraftError::TooLong {
            over: n - MAX_MESSAGE_CHARS,
        })
    } else {
        Ok(t.to_owned())
    }
}

/// The counter under the text box: characters left (negative when over).
pub fn chars_left(text: &str) -> i64 {
    MAX_MESSAGE_CHARS as i64 - text.trim().chars().count() as i64
}

/// A username as it will be sent: trimmed, at most 16 characters, `None` when empty.
pub fn clean_username(name: &str) -> Option<String> {
    let t: String = name.trim().chars().take(MAX_USERNAME_CHARS).collect();
    let t = t.trim_end();
    (!t.is_empty()).then(|| t.to_owned())
}

/// An id for a new post, made by the page so that sending it again can never store it twice:
/// 16 random bytes, URL-safe base64 (22 characters).
pub fn client_id(random: [u8; 16]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let n = u128::from_be_bytes(random);
    let id: String = (0..22)
        .map(|i| ALPHABET[((n >> (i * 6)) & 63) as usize] as char)
        .collect();
    debug_assert!(is_valid_id(&id));
    id
}

/// The composer's counter: "12 / 201", and past the limit how much to cut.
pub fn counter_text(draft: &str) -> String {
    let left = chars_left(draft);
    let used = MAX_MESSAGE_CHARS as i64 - left;
    if left < 0 {
        format!("{used} / {MAX_MESSAGE_CHARS}: {} too long", -left)
    } else {
        format!("{used} / {MAX_MESSAGE_CHARS}")
    }
}

/// The button that jumps to the newest comments.
pub fn new_messages_label(n: usize) -> String {
    if n == 1 {
        "1 new message ↓".to_owned()
    } else {
        format!("{n} new messages ↓")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SendState {
    Sending,
    /// Why it failed, in words for the person who wrote it.
    Failed(String),
}

/// A post on its way: shown at once, kept (also across reloads) until the server has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub id: String,
    pub text: String,
    pub username: Option<String>,
    pub color: Option<String>,
    /// In a conversation (or with the operator's default entity): whom the post asks to answer,
    /// and the rows it answers to. Fixed when it is written, so a resend sends the same body.
    pub bot_params: Option<Box<BotParams>>,
    pub context: Option<Vec<String>>,
    pub state: SendState,
}

/// The body of `POST /api/comments`. No timestamp: the server sets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCommentBody<'a> {
    pub id: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<&'a str>,
    #[serde(rename = "message-type")]
    pub message_type: &'static str,
    #[serde(rename = "botParams", skip_serializing_if = "Option::is_none")]
    pub bot_params: Option<&'a BotParams>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<&'a [String]>,
}

impl Outgoing {
    pub fn body(&self) -> NewCommentBody<'_> {
        NewCommentBody {
            id: &self.id,
            text: &self.text,
            username: self.username.as_deref(),
            color: self.color.as_deref(),
            message_type: "human",
            bot_params: self.bot_params.as_deref(),
            context: self.context.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_length_in_characters_after_trimming() {
        assert_eq!(check("  hi \n"), Ok("hi".into()));
        assert_eq!(check(" \n\t "), Err(DraftError::Empty));
        let max = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(check(&format!("  {max}  ")), Ok(max.clone()));
        assert_eq!(
            check(&format!("{max}ab")),
            Err(DraftError::TooLong { over: 2 })
        );
        assert_eq!(chars_left(&max), 0);
        assert_eq!(chars_left("abc"), MAX_MESSAGE_CHARS as i64 - 3);
        assert_eq!(chars_left(&format!("{max}x")), -1);
    }

    #[test]
    fn the_counter_says_how_much_to_cut() {
        assert_eq!(counter_text(""), "0 / 201");
        assert_eq!(counter_text("  hé  "), "2 / 201");
        assert_eq!(counter_text(&"x".repeat(205)), "205 / 201: 4 too long");
    }

    #[test]
    fn new_message_labels() {
        assert_eq!(new_messages_label(1), "1 new message ↓");
        assert_eq!(new_messages_label(12), "12 new messages ↓");
    }

    #[test]
    fn multi_line_text_keeps_its_inner_newlines() {
        assert_eq!(
            check("\nline one\nline two\n"),
            Ok("line one\nline two".into())
        );
    }

    #[test]
    fn usernames_are_trimmed_and_capped() {
        assert_eq!(clean_username("  bob "), Some("bob".into()));
        assert_eq!(clean_username("   "), None);
        assert_eq!(
            clean_username("abcdefghijklmnopqrstuvwxyz"),
            Some("abcdefghijklmnop".into())
        );
        assert_eq!(
            clean_username("abcdefghijklmno qrs"),
            Some("abcdefghijklmno".into())
        );
        assert_eq!(
            clean_username("ÄÖÜäöüßÄÖÜäöüßÄÖÜ").map(|s| s.chars().count()),
            Some(16)
        );
    }

    #[test]
    fn client_ids_are_valid_and_differ() {
        let a = client_id([0; 16]);
        let b = client_id([255; 16]);
        let c = client_id(*b"0123456789abcdef");
        for id in [&a, &b, &c] {
            assert!(is_valid_id(id), "{id}");
            assert_eq!(id.len(), 22);
        }
        assert_ne!(a, b);
        assert_ne!(b, c);
    }

    #[test]
    fn the_body_is_what_the_worker_accepts() {
        let o = Outgoing {
            id: "abc".into(),
            text: "<b>hi</b>".into(),
            username: Some("bob".into()),
            color: None,
            bot_params: Some(Box::new(BotParams {
                entity: Some("hm-st-1".into()),
                priority: Some(7),
                ais: Some("Fox:255100000".into()),
                processed: Some(false),
                ..BotParams::default()
            })),
            context: Some(vec!["ann: hi".into(), "bob: yo".into()]),
            state: SendState::Sending,
        };
        let json = serde_json::to_vec(&o.body()).unwrap();
        let parsed = saywhatwant_wire::parse_new_comment(&json).unwrap();
        assert_eq!(parsed.id.as_deref(), Some("abc"));
        assert_eq!(parsed.text, "<b>hi</b>");
        assert_eq!(parsed.username.as_deref(), Some("bob"));
        assert_eq!(parsed.color, None);
        assert_eq!(parsed.bot_params.as_ref(), o.bot_params.as_deref());
        assert_eq!(parsed.context, o.context);
    }
}
