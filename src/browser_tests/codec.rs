//! The hand-written wire codec against serde's (the worker's) reading of the same JSON.

use saywhatwant_wire::{parse_new_comment, BotParams, Comment, CommentsPage, MessageType, Source};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::model::draft::{Outgoing, SendState};
use crate::model::timeline::tests::comment;
use crate::sync::codec;

fn full() -> Comment {
    let mut c = comment(1_760_000_000_123, "abc_DEF-1");
    c.username = Some("ann <b>".into());
    c.color = Some("255000128".into());
    c.message_type = MessageType::Ai;
    c.misc = "x".into();
    c.context = Some(vec!["earlier".into(), "line\n\"two\"".into()]);
    c.bot_params = Some(BotParams {
        entity: Some("helper".into()),
        priority: Some(7),
        model: None,
        nom: Some(40),
        ais: None,
        processed: Some(false),
    });
    c
}

fn parse(json: &str) -> Option<Comment> {
    codec::comment(&codec::parse(json)?)
}

#[wasm_bindgen_test]
fn comments_read_as_serde_reads_them() {
    for c in [full(), comment(5, "plain")] {
        let served = serde_json::to_string(&c).unwrap();
        assert_eq!(parse(&served), Some(c.clone()), "{served}");
        // And what IndexedDB keeps is the served shape, field for field.
        let kept = js_sys::JSON::stringify(&codec::comment_to_js(&c)).unwrap();
        let kept: Comment = serde_json::from_str(&String::from(kept)).unwrap();
        assert_eq!(kept, c);
    }
}

#[wasm_bindgen_test]
fn left_out_and_null_optionals_are_none() {
    let c = parse(
        r#"{"id":"a","text":"t","timestamp":1,"domain":"d","language":"en","message-type":"human","username":null,"botParams":{}}"#,
    )
    .unwrap();
    assert_eq!((c.username, c.color, c.misc.as_str()), (None, None, ""));
    assert_eq!(c.bot_params, Some(BotParams::default()));
}

#[wasm_bindgen_test]
fn wrong_types_and_values_are_refused() {
    let good = serde_json::to_value(full()).unwrap();
    for (key, bad) in [
        ("id", serde_json::json!(null)),
        ("text", serde_json::json!(5)),
        ("timestamp", serde_json::json!("12")),
        ("timestamp", serde_json::json!(-1)),
        ("timestamp", serde_json::json!(1.5)),
        ("message-type", serde_json::json!("robot")),
        ("username", serde_json::json!(3)),
        ("context", serde_json::json!(["ok", 2])),
        ("context", serde_json::json!("not a list")),
        ("botParams", serde_json::json!({"priority": 300})),
        ("botParams", serde_json::json!({"processed": "yes"})),
    ] {
        let mut v = good.clone();
        v[key] = bad.clone();
        assert_eq!(parse(&v.to_string()), None, "{key}: {bad}");
    }
    assert_eq!(codec::parse("not json"), None);
}

#[wasm_bindgen_test]
fn pages_stats_and_errors() {
    let page = CommentsPage {
        comments: vec![full(), comment(9, "b")],
        has_more: true,
        cursor: Some("9:b".into()),
        source: Source::Fresh,
        removed: vec![],
    };
    let json = serde_json::to_string(&page).unwrap();
    assert_eq!(codec::page(&codec::parse(&json).unwrap()), Some(page));
    // Taken-down ids come as a list of strings; anything else is not a page.
    let taken =
        r#"{"comments":[],"hasMore":false,"cursor":"s3","source":"fresh","removed":["a","b"]}"#;
    let parsed = codec::page(&codec::parse(taken).unwrap()).expect("a page");
    assert_eq!(parsed.removed, ["a", "b"]);
    let bad = r#"{"comments":[],"hasMore":false,"cursor":"s3","source":"fresh","removed":[1]}"#;
    assert_eq!(codec::page(&codec::parse(bad).unwrap()), None);
    let odd = json.replace("\"fresh\"", "\"elsewhere\"");
    assert_eq!(codec::page(&codec::parse(&odd).unwrap()), None);
    let not_a_list = r#"{"comments":{"length":1},"hasMore":false,"cursor":null,"source":"cache"}"#;
    assert_eq!(codec::page(&codec::parse(not_a_list).unwrap()), None);
    let err = codec::parse(r#"{"error":"`text` is empty","code":"invalid_body"}"#).unwrap();
    assert_eq!(
        codec::error_body(&err).map(|e| e.code),
        Some("invalid_body".into())
    );
}

#[wasm_bindgen_test]
fn a_post_body_is_what_the_worker_accepts() {
    let post = Outgoing {
        id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        text: "hi \"there\"\n<b>".into(),
        username: Some("ann".into()),
        color: None,
        bot_params: None,
        context: None,
        state: SendState::Sending,
    };
    let json = codec::new_comment_json(&post.body()).unwrap();
    assert_eq!(json, serde_json::to_string(&post.body()).unwrap());
    let talking = Outgoing {
        bot_params: Some(Box::new(saywhatwant_wire::BotParams {
            entity: Some("hm-st-1".into()),
            priority: Some(7),
            model: Some("m".into()),
            ais: Some("Fox:random".into()),
            processed: Some(false),
            ..Default::default()
        })),
        context: Some(vec!["ann: a".into(), "anonymous: b".into()]),
        ..post.clone()
    };
    let json = codec::new_comment_json(&talking.body()).unwrap();
    assert_eq!(json, serde_json::to_string(&talking.body()).unwrap());
    let new = parse_new_comment(json.as_bytes()).unwrap();
    assert_eq!(new.bot_params.as_ref(), talking.bot_params.as_deref());
    assert_eq!(new.context, talking.context);
    let new = parse_new_comment(json.as_bytes()).unwrap();
    assert_eq!(
        (new.text.as_str(), new.username.as_deref()),
        ("hi \"there\"\n<b>", Some("ann"))
    );
}

#[wasm_bindgen_test]
fn readers_online_is_told_apart_from_a_frame() {
    let presence = serde_json::to_string(&saywhatwant_wire::live::Presence { online: 12 }).unwrap();
    let json = codec::parse(&presence).expect("json");
    assert_eq!(codec::presence(&json), Some(12));
    assert!(codec::page(&json).is_none(), "not a page");
    let frame = codec::parse(r#"{"comments":[],"hasMore":false,"cursor":"s3","source":"fresh"}"#)
        .expect("json");
    assert_eq!(codec::presence(&frame), None);
    assert!(codec::page(&frame).is_some());
}

#[wasm_bindgen_test]
fn an_acknowledgement_reads_as_the_relay_writes_it() {
    use saywhatwant_wire::live::Ack;
    let stored = Ack::stored(full(), true);
    let failed = Ack::failed(
        Some("p7".into()),
        429,
        saywhatwant_wire::ErrorBody {
            error: "too many".into(),
            code: "rate_limited".into(),
        },
        Some(60),
    );
    for ack in [stored, failed] {
        let text = serde_json::to_string(&ack).unwrap();
        let json = codec::parse(&text).expect("json");
        assert_eq!(codec::ack(&json), Some(ack), "{text}");
        assert!(codec::page(&json).is_none() && codec::presence(&json).is_none());
    }
    for other in [
        r#"{"online":3}"#,
        r#"{"comments":[],"hasMore":false,"source":"fresh"}"#,
    ] {
        assert_eq!(codec::ack(&codec::parse(other).unwrap()), None, "{other}");
    }
}
