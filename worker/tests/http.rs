//! HTTP semantics: routes, methods, CORS, and a clear JSON error for every bad request, with
//! nothing stored.

mod support;

use serde_json::json;
use support::{json, Harness, Req};

#[test]
fn options_and_cors_on_every_answer() {
    let h = Harness::new();
    for (method, path) in [
        ("OPTIONS", "/api/comments"),
        ("OPTIONS", "/api/comments/x"),
        ("OPTIONS", "/anything"),
        ("GET", "/api/nope"),
        ("GET", "/api/health"),
        ("POST", "/api/comments"),
    ] {
        let r = h.request(method, path, "{}");
        assert_eq!(
            r.header("Access-Control-Allow-Origin"),
            Some("*"),
            "{method} {path}"
        );
        assert_eq!(
            r.header("Access-Control-Allow-Methods"),
            Some("GET, POST, PATCH, OPTIONS")
        );
        assert_eq!(
            r.header("Access-Control-Allow-Headers"),
            Some("Content-Type")
        );
        assert_eq!(r.header("Access-Control-Max-Age"), Some("86400"));
    }
    assert_eq!(h.request("OPTIONS", "/api/comments", "").status, 204);
    let health = h.request("GET", "/api/health", "");
    assert_eq!((health.status, json(&health)), (200, json!({"ok": true})));
}

#[test]
fn every_bad_request_gets_a_clear_4xx_and_stores_nothing() {
    let h = Harness::new();
    let big = "x".repeat(saywhatwant_wire::MAX_BODY_BYTES + 4000);
    let cases: Vec<(Req, u16, &str)> = vec![
        (
            Req::new("GET", "/api/comments?limit=-1", ""),
            400,
            "invalid_limit",
        ),
        (
            Req::new("GET", "/api/comments?limit=lots", ""),
            400,
            "invalid_limit",
        ),
        (
            Req::new("GET", "/api/comments?after=yesterday", ""),
            400,
            "invalid_after",
        ),
        (
            Req::new("GET", "/api/comments?after=s-1", ""),
            400,
            "invalid_after",
        ),
        (
            Req::new("GET", "/api/comments?type=robot", ""),
            400,
            "invalid_type",
        ),
        (
            Req::new("GET", "/api/comments?sort=likes", ""),
            400,
            "invalid_sort",
        ),
        (
            Req::new("GET", "/api/comments?order=random", ""),
            400,
            "invalid_order",
        ),
        (
            Req::new("POST", "/api/comments", "{not json"),
            400,
            "invalid_json",
        ),
        (
            Req::new("POST", "/api/comments", r#"{"text":"   "}"#),
            400,
            "invalid_field",
        ),
        (
            Req::new("POST", "/api/comments", r#"{"text":"\u200b"}"#),
            400,
            "invalid_field",
        ),
        (
            Req::new(
                "POST",
                "/api/comments",
                r#"{"text":"a","username":"seventeen chars!!"}"#,
            ),
            400,
            "invalid_field",
        ),
        (
            Req::new(
                "POST",
                "/api/comments",
                r#"{"text":"a","username":"\u202etxet"}"#,
            ),
            400,
            "invalid_field",
        ),
        (
            Req::new(
                "POST",
                "/api/comments",
                r#"{"text":"a","color":"999999999"}"#,
            ),
            400,
            "invalid_field",
        ),
        (
            Req::new("POST", "/api/comments", r#"{"text":"a","nickname":"x"}"#),
            400,
            "unknown_field",
        ),
        (
            Req::new("PATCH", "/api/comments/abc", r#"{"text":"x"}"#).bot(),
            400,
            "unknown_field",
        ),
        (
            Req::new(
                "PATCH",
                "/api/comments/bad%20id",
                r#"{"botParams":{"processed":true}}"#,
            )
            .bot(),
            400,
            "invalid_id",
        ),
        (
            Req::new(
                "PATCH",
                "/api/comments/never-posted",
                r#"{"botParams":{"processed":true}}"#,
            )
            .bot(),
            404,
            "not_found",
        ),
        (
            Req::new("PUT", "/api/comments", "{}"),
            405,
            "method_not_allowed",
        ),
        (
            Req::new("DELETE", "/api/comments/abc", ""),
            405,
            "method_not_allowed",
        ),
        (Req::new("GET", "/api/elsewhere", ""), 404, "not_found"),
        (
            Req::new("GET", "/api/comments/live", ""),
            426,
            "upgrade_required",
        ),
        (
            Req::new("POST", "/api/comments", &big),
            413,
            "payload_too_large",
        ),
        (
            Req {
                content_type: Some("text/plain"),
                ..Req::new("POST", "/api/comments", r#"{"text":"a"}"#)
            },
            415,
            "unsupported_media_type",
        ),
        (
            Req {
                content_type: None,
                ..Req::new("POST", "/api/comments", r#"{"text":"a"}"#)
            },
            415,
            "unsupported_media_type",
        ),
    ];
    for (mut req, status, code) in cases {
        let what = format!("{} {} {:.60}", req.method, req.path, req.body);
        // The runtime layer reports a body over the cap without reading it.
        req.too_large = req.body.len() > saywhatwant_wire::MAX_BODY_BYTES;
        let r = h.call(req);
        let body = json(&r);
        assert_eq!(
            (r.status, body["code"].as_str()),
            (status, Some(code)),
            "{what}: {}",
            r.body
        );
        assert!(
            body["error"].as_str().is_some_and(|e| e.len() > 10),
            "{what}"
        );
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{what}");
    }
    let put = h.request("PUT", "/api/comments", "");
    assert_eq!(put.header("Allow"), Some("GET, POST, OPTIONS"));
    let named = h.request("POST", "/api/comments", r#"{"text":"a","color":"red"}"#);
    assert!(json(&named)["error"]
        .as_str()
        .is_some_and(|e| e.contains("color")));
    assert_eq!(
        h.page("/api/comments?fresh=true").comments.len(),
        0,
        "nothing stored"
    );
}

#[test]
fn json_with_a_charset_is_json() {
    let h = Harness::new();
    let r = h.call(Req {
        content_type: Some("application/json; charset=UTF-8"),
        ..Req::new("POST", "/api/comments", r#"{"text":"ok"}"#)
    });
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn the_live_route_hands_a_checked_query_to_the_object() {
    let h = Harness::new();
    let q = h
        .live("/api/comments/live?after=s0&type=human")
        .expect("a socket for the object");
    assert_eq!(
        q.to_query_string(),
        "limit=50&after=s0&type=human&fresh=true"
    );
    let bad = h
        .live("/api/comments/live?after=nonsense")
        .expect_err("refused");
    assert_eq!(
        (bad.status, json(&bad)["code"].as_str()),
        (400, Some("invalid_after"))
    );
}

#[test]
fn a_failing_log_answers_503_never_an_empty_200() {
    let h = Harness::with_history(5);
    h.log.log.borrow().store().broken.set(true);
    for (method, path, body, status) in [
        ("GET", "/api/comments?fresh=true", "", 503),
        // No view in KV yet: the bulk load asks the log too.
        ("GET", "/api/comments?limit=10", "", 503),
        ("POST", "/api/comments", r#"{"text":"lost?"}"#, 503),
        // The count lives in the object's memory.
        ("GET", "/api/stats", "", 200),
    ] {
        let r = h.request(method, path, body);
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        if status == 503 {
            assert_eq!(json(&r)["code"], "storage_unavailable");
        }
    }
    h.log.log.borrow().store().broken.set(false);
    assert_eq!(
        h.page("/api/comments?fresh=true&limit=100").comments.len(),
        5
    );
}

#[test]
fn closing_the_live_sockets_is_for_the_operator_only() {
    let h = Harness::new();
    let stranger = h.request("POST", "/api/admin/sockets/close", "");
    assert_eq!(
        (stranger.status, json(&stranger)["code"].as_str()),
        (401, Some("unauthorized"))
    );
    // The bots' credential is not the operator's.
    let bot = h.call(Req::new("POST", "/api/admin/sockets/close", "").bot());
    assert_eq!(
        (bot.status, json(&bot)["code"].as_str()),
        (403, Some("forbidden"))
    );
    match h.send(Req::new("POST", "/api/admin/sockets/close", "").admin()) {
        saywhatwant_api::api::Outcome::CloseSockets => {}
        other => panic!("not handed to the object: {other:?}"),
    }
    assert_eq!(h.request("GET", "/api/admin/object", "").status, 401);
    assert_eq!(
        h.call(Req::new("GET", "/api/admin/object", "").bot())
            .status,
        403
    );
    match h.send(Req::new("GET", "/api/admin/object", "").admin()) {
        saywhatwant_api::api::Outcome::ObjectInfo => {}
        other => panic!("not handed to the object: {other:?}"),
    }
}

#[test]
fn one_relay_is_reached_by_name_for_the_operator_only() {
    use saywhatwant_api::api::{Outcome, RelayAct};
    let h = Harness::new();
    let path = "/api/admin/relays/relay-weur-2/close-sockets";
    assert_eq!(h.request("POST", path, "").status, 401);
    assert_eq!(h.call(Req::new("POST", path, "").bot()).status, 403);
    match h.send(Req::new("POST", path, "").admin()) {
        Outcome::Relay { name, act } => {
            assert_eq!(
                (name.as_str(), act),
                ("relay-weur-2", RelayAct::CloseSockets)
            )
        }
        other => panic!("not handed to the relay: {other:?}"),
    }
    match h.send(Req::new("POST", "/api/admin/relays/relay-any-0/skip-round", "").admin()) {
        Outcome::Relay { act, .. } => assert_eq!(act, RelayAct::SkipRound),
        other => panic!("not handed to the relay: {other:?}"),
    }
    // Not a relay's name, or not something a relay does: a 404 that names the path.
    for bad in [
        "/api/admin/relays/stream/forget",
        "/api/admin/relays/relay-weur-x/forget",
        "/api/admin/relays/relay-weur-1/explode",
    ] {
        let r = h.call(Req::new("POST", bad, "").admin());
        assert_eq!(r.status, 404, "{bad}");
        assert!(
            json(&r)["error"].as_str().is_some_and(|e| e.contains(bad)),
            "{bad}"
        );
    }
}

#[test]
fn with_an_allowed_origin_only_its_pages_and_originless_clients_open_the_live_channel() {
    let mut h = Harness::new();
    h.config.allowed_origin = "https://saywhatwant.app".into();
    let path = "/api/comments/live?after=s0";
    for ok in [
        Some("https://saywhatwant.app"),
        Some("https://SayWhatWant.app/"),
        None,
    ] {
        assert!(h.live_from(path, ok).is_ok(), "{ok:?}");
    }
    for bad in [
        "https://evil.example",
        "http://saywhatwant.app",
        "https://saywhatwant.app.evil.example",
        "null",
    ] {
        let r = h.live_from(path, Some(bad)).expect_err("refused");
        assert_eq!(
            (r.status, json(&r)["code"].as_str()),
            (403, Some("origin_not_allowed")),
            "{bad}"
        );
        assert!(json(&r)["error"]
            .as_str()
            .is_some_and(|e| e.contains("ALLOWED_ORIGIN")));
    }
    // `*` (the local default) lets every page in.
    h.config.allowed_origin = "*".into();
    assert!(h.live_from(path, Some("https://evil.example")).is_ok());
}
