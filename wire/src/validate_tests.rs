//! The body rules, each naming its field.

use super::*;

fn field_of(body: &str) -> (String, &'static str) {
    let e = parse_new_comment(body.as_bytes()).unwrap_err();
    (e.field.unwrap_or_default(), e.code)
}

#[test]
fn accepts_a_full_comment_and_trims() {
    let c = parse_new_comment(
        br#"{"id":"abc-1","text":"  hi  ","timestamp":1,"username":" bob ","color":"255000128",
            "domain":"x.org","language":"de","message-type":"AI","misc":"m","context":["a"],
            "botParams":{"entity":"e","priority":5,"model":"m","nom":3,"ais":"a","processed":false}}"#,
    )
    .unwrap();
    assert_eq!(
        (c.text.as_str(), c.username.as_deref()),
        ("hi", Some("bob"))
    );
    assert_eq!(c.message_type, MessageType::Ai);
    assert_eq!(c.bot_params.unwrap().processed, Some(false));
    let stored = parse_new_comment(br#"{"text":"x"}"#)
        .unwrap()
        .into_comment("i".into(), 7, "site");
    assert_eq!(
        (stored.domain.as_str(), stored.language.as_str()),
        ("site", "en")
    );
}

#[test]
fn each_rule_names_its_field() {
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    let cases = [
        (r#"{}"#.to_string(), "text"),
        (r#"{"text":"   "}"#.into(), "text"),
        (format!(r#"{{"text":"{long}"}}"#), "text"),
        (r#"{"text":5}"#.into(), "text"),
        (
            r#"{"text":"a","username":"seventeen chars!!"}"#.into(),
            "username",
        ),
        (r#"{"text":"a","color":"256000000"}"#.into(), "color"),
        (r#"{"text":"a","color":"red"}"#.into(), "color"),
        (r#"{"text":"a","id":"has space"}"#.into(), "id"),
        (r#"{"text":"\u200b\u200c\ufeff"}"#.into(), "text"),
        (r#"{"text":"nul \u0000 here"}"#.into(), "text"),
        (r#"{"text":"a","username":"\u202eevil"}"#.into(), "username"),
        (r#"{"text":"a","username":"bob\u0000"}"#.into(), "username"),
        (r#"{"text":"a","username":"\u200b"}"#.into(), "username"),
        (r#"{"text":"a","domain":"x\ny.org"}"#.into(), "domain"),
        (
            r#"{"text":"a","message-type":"bot"}"#.into(),
            "message-type",
        ),
        (r#"{"text":"a","context":"no"}"#.into(), "context"),
        (
            r#"{"text":"a","botParams":{"priority":100}}"#.into(),
            "botParams.priority",
        ),
        (
            r#"{"text":"a","botParams":{"processed":"yes"}}"#.into(),
            "botParams.processed",
        ),
    ];
    for (body, field) in cases {
        assert_eq!(
            field_of(&body),
            (field.to_string(), "invalid_field"),
            "{body}"
        );
    }
    assert_eq!(
        field_of(r#"{"text":"a","usernme":"x"}"#),
        ("usernme".into(), "unknown_field")
    );
    assert_eq!(
        field_of(r#"{"text":"a","botParams":{"x":1}}"#),
        ("botParams.x".into(), "unknown_field")
    );
}

#[test]
fn text_length_counts_characters_not_bytes() {
    let emoji = "😀".repeat(MAX_TEXT_CHARS);
    assert!(parse_new_comment(format!(r#"{{"text":"{emoji}"}}"#).as_bytes()).is_ok());
}

#[test]
fn malformed_json_is_invalid_json() {
    for body in ["", "{", "[1]", "\"text\"", "null"] {
        assert_eq!(
            parse_new_comment(body.as_bytes()).unwrap_err().code,
            "invalid_json",
            "{body}"
        );
    }
}

#[test]
fn patch_accepts_only_processed() {
    assert_eq!(
        parse_patch(br#"{"botParams":{"processed":true}}"#).unwrap(),
        Patch { processed: true }
    );
    for bad in [
        r#"{}"#,
        r#"{"botParams":{}}"#,
        r#"{"botParams":{"processed":1}}"#,
        r#"{"text":"x"}"#,
        r#"{"botParams":{"processed":true,"model":"x"}}"#,
        "nope",
    ] {
        assert!(parse_patch(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn colors() {
    assert!(is_valid_color("000128255"));
    for bad in ["", "12345678", "1234567890", "25525525a", "300000000"] {
        assert!(!is_valid_color(bad), "{bad}");
    }
}

#[test]
fn what_the_original_clients_sent_is_accepted() {
    // A reply names the comment it answers; an AI's name may be up to 32 characters.
    let name = "n".repeat(MAX_AI_USERNAME_CHARS);
    let reply = parse_new_comment(
        format!(r#"{{"text":"hi","replyTo":"abc-1","username":"{name}","message-type":"AI"}}"#)
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(reply.reply_to.as_deref(), Some("abc-1"));
    let stored = reply.into_comment("re-abc-1".into(), 1, "d");
    assert_eq!(stored.reply_to.as_deref(), Some("abc-1"));
    assert_eq!(stored.username.as_deref(), Some(name.as_str()));
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(json["replyTo"], "abc-1");
    // 200 context lines, as a conversation link with `nom=200` sends.
    let lines: Vec<String> = (0..MAX_CONTEXT_ITEMS)
        .map(|i| format!("someone: line {i}"))
        .collect();
    let body = serde_json::json!({"text": "q", "context": lines}).to_string();
    assert!(body.len() < MAX_BODY_BYTES);
    assert_eq!(
        parse_new_comment(body.as_bytes())
            .unwrap()
            .context
            .map(|c| c.len()),
        Some(MAX_CONTEXT_ITEMS)
    );
}

#[test]
fn the_new_limits_name_their_field() {
    let ai_name = "n".repeat(MAX_AI_USERNAME_CHARS + 1);
    let human_name = "n".repeat(MAX_USERNAME_CHARS + 1);
    let too_many: Vec<String> = (0..=MAX_CONTEXT_ITEMS).map(|i| i.to_string()).collect();
    let long_line = vec!["x".repeat(MAX_CONTEXT_LINE_CHARS + 1)];
    let too_heavy = vec!["é".repeat(MAX_CONTEXT_LINE_CHARS / 2); 60];
    let cases = [
        (
            serde_json::json!({"text": "a", "username": ai_name, "message-type": "AI"}),
            "username",
        ),
        (
            serde_json::json!({"text": "a", "username": human_name}),
            "username",
        ),
        (
            serde_json::json!({"text": "a", "replyTo": "no spaces"}),
            "replyTo",
        ),
        (serde_json::json!({"text": "a", "replyTo": 7}), "replyTo"),
        (
            serde_json::json!({"text": "a", "context": too_many}),
            "context",
        ),
        (
            serde_json::json!({"text": "a", "context": long_line}),
            "context",
        ),
        (
            serde_json::json!({"text": "a", "context": too_heavy}),
            "context",
        ),
    ];
    for (body, field) in cases {
        let (got, code) = field_of(&body.to_string());
        assert_eq!((got.as_str(), code), (field, "invalid_field"), "{body}");
    }
}

#[test]
fn every_field_is_checked() {
    let cases = [
        (
            serde_json::json!({"text": "a", "language": "en\u{2028}x"}),
            "language",
        ),
        (
            serde_json::json!({"text": "a", "language": "<b>"}),
            "language",
        ),
        (
            serde_json::json!({"text": "a", "misc": "bell\u{7}"}),
            "misc",
        ),
        (
            serde_json::json!({"text": "a", "context": ["ok", "nul\u{0}"]}),
            "context",
        ),
        (
            serde_json::json!({"text": "a", "botParams": {"entity": "\u{202E}x"}}),
            "botParams.entity",
        ),
        (
            serde_json::json!({"text": "a", "botParams": {"model": "m\u{0}"}}),
            "botParams.model",
        ),
        (
            serde_json::json!({"text": "a", "botParams": {"ais": "A\u{2029}:random"}}),
            "botParams.ais",
        ),
        (
            serde_json::json!({"text": "a", "username": "two\u{2028}lines"}),
            "username",
        ),
        (
            serde_json::json!({"text": "\u{206A}\u{1D173}\u{E0100}\u{1BCA0}"}),
            "text",
        ),
    ];
    for (body, field) in cases {
        let (got, code) = field_of(&body.to_string());
        assert_eq!((got.as_str(), code), (field, "invalid_field"), "{body}");
    }
    // What the original clients send still passes.
    let ok = serde_json::json!({"text": "hi\nthere", "language": "pt-BR", "misc": "",
        "context": ["ann: line one\nline two"],
        "botParams": {"entity": "tea-sommelier", "model": "tiny-chat@f16", "ais": "Tea Pot:random"}});
    assert!(parse_new_comment(ok.to_string().as_bytes()).is_ok());
}

#[test]
fn reply_ids_are_stable_valid_and_distinct() {
    assert_eq!(reply_id("abc"), "re-abc");
    assert!(is_reserved_id(&reply_id("abc")));
    let long_a = "a".repeat(64);
    let long_b = format!("{}b", "a".repeat(63));
    for id in [reply_id(&long_a), reply_id(&long_b)] {
        assert!(is_valid_id(&id), "{id}");
    }
    assert_ne!(reply_id(&long_a), reply_id(&long_b));
    assert_eq!(reply_id(&long_a), reply_id(&long_a));
}
