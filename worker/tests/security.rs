//! What strangers cannot do: steer the bots, post as one, forge a reply, or get around the
//! limits. Each refusal names what was wrong and changes nothing.

mod support;

use saywhatwant_api::api::Config;
use serde_json::json;
use support::{json, Harness, Req, BOT};

const PROCESSED: &str = r#"{"botParams":{"processed":true}}"#;

fn limited() -> Harness {
    let mut h = Harness::new();
    h.config = Config {
        rate_limit: true,
        ..h.config
    };
    h
}

#[test]
fn changing_a_comment_needs_the_bot_credential() {
    let h = Harness::new();
    let c = h.post(r#"{"text":"waiting","botParams":{"processed":false}}"#);
    let path = format!("/api/comments/{}", c.id);
    for (auth, status, code) in [
        (None, 401, "unauthorized"),
        (Some("Bearer guess"), 403, "forbidden"),
        (Some("bot-secret-for-tests"), 403, "forbidden"),
    ] {
        let r = h.call(Req {
            authorization: auth,
            ..Req::new("PATCH", &path, PROCESSED)
        });
        assert_eq!(
            (r.status, json(&r)["code"].as_str()),
            (status, Some(code)),
            "{auth:?}"
        );
        assert!(json(&r)["error"]
            .as_str()
            .is_some_and(|e| e.contains("bot credential")));
    }
    let unauthorized = h.call(Req::new("PATCH", &path, PROCESSED));
    assert_eq!(
        unauthorized.header("WWW-Authenticate"),
        Some("Bearer realm=\"bots\"")
    );
    // Nothing changed; with the credential it does.
    assert!(h.page("/api/comments?fresh=true").comments[0].awaits_bot());
    assert_eq!(
        h.call(Req::new("PATCH", &path, PROCESSED).bot()).status,
        200
    );
    assert!(!h.page("/api/comments?fresh=true").comments[0].awaits_bot());
}

#[test]
fn only_bots_post_as_ai_or_under_a_reply_id() {
    let h = Harness::new();
    for body in [
        json!({"text": "I am a bot", "message-type": "AI", "username": "EchoBot"}),
        json!({"id": "re-someone", "text": "forged answer"}),
    ] {
        let body = body.to_string();
        let none = h.call(Req::new("POST", "/api/comments", &body));
        assert_eq!(
            (none.status, json(&none)["code"].as_str()),
            (401, Some("unauthorized")),
            "{body}"
        );
        let wrong = h.call(Req {
            authorization: Some("Bearer nope"),
            ..Req::new("POST", "/api/comments", &body)
        });
        assert_eq!(wrong.status, 403, "{body}");
    }
    assert!(
        h.page("/api/comments?fresh=true").comments.is_empty(),
        "nothing stored"
    );
    let reply = h.call(
        Req::new(
            "POST",
            "/api/comments",
            r#"{"id":"re-someone","text":"the real answer","message-type":"AI"}"#,
        )
        .bot(),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[test]
fn posts_are_limited_per_network_and_nothing_in_the_request_gets_around_it() {
    let h = limited();
    for i in 0..10 {
        let r = h.call(
            Req::new(
                "POST",
                "/api/comments",
                &json!({"text": format!("n{i}")}).to_string(),
            )
            .from("2001:db8:7:7::1"),
        );
        assert_eq!(r.status, 201);
    }
    // Another address in the same /64, a new id, a header-looking body: all the same network.
    for (ip, body) in [
        ("2001:db8:7:7:ffff::9", json!({"text": "over"})),
        ("2001:db8:7:7::1", json!({"text": "over", "id": "fresh-id"})),
        (
            "2001:db8:7:7::1",
            json!({"text": "over", "misc": "CF-Connecting-IP: 1.1.1.1"}),
        ),
    ] {
        let r = h.call(Req::new("POST", "/api/comments", &body.to_string()).from(ip));
        assert_eq!(
            (r.status, json(&r)["code"].as_str()),
            (429, Some("rate_limited")),
            "{ip} {body}"
        );
        assert_eq!(r.header("Retry-After"), Some("60"));
    }
    // Another network is not affected; a bot with the credential is exempt.
    let other =
        h.call(Req::new("POST", "/api/comments", r#"{"text":"hi"}"#).from("2001:db8:7:8::1"));
    assert_eq!(other.status, 201);
    let bot = h.call(
        Req::new(
            "POST",
            "/api/comments",
            r#"{"text":"bot","message-type":"AI"}"#,
        )
        .from("2001:db8:7:7::1")
        .bot(),
    );
    assert_eq!(bot.status, 201);
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 12);
}

#[test]
fn an_invalid_post_does_not_use_up_the_allowance() {
    let h = limited();
    for _ in 0..20 {
        assert_eq!(
            h.request("POST", "/api/comments", r#"{"text":""}"#).status,
            400
        );
    }
    assert_eq!(
        h.request("POST", "/api/comments", r#"{"text":"valid"}"#)
            .status,
        201
    );
}

#[test]
fn reads_are_limited_generously_and_bots_are_not() {
    let h = limited();
    for i in 0..120 {
        let r = h.request("GET", "/api/comments?fresh=true&after=s0", "");
        assert_eq!(r.status, 200, "poll {i}");
    }
    let over = h.request("GET", "/api/comments?fresh=true&after=s0", "");
    assert_eq!(
        (over.status, json(&over)["code"].as_str()),
        (429, Some("rate_limited"))
    );
    let socket = h.live("/api/comments/live").expect_err("limited too");
    assert_eq!(socket.status, 429);
    assert_eq!(
        h.request("GET", "/api/health", "").status,
        200,
        "health is free"
    );
    let bot = h.call(Req {
        authorization: Some(BOT),
        ..Req::new("GET", "/api/comments?fresh=true", "")
    });
    assert_eq!(bot.status, 200);
}

#[test]
fn a_broken_limiter_lets_requests_through() {
    let h = limited();
    h.limiter.broken.set(true);
    for i in 0..15 {
        let r = h.request(
            "POST",
            "/api/comments",
            &json!({"text": format!("{i}")}).to_string(),
        );
        assert_eq!(r.status, 201);
    }
}

#[test]
fn the_default_domain_is_a_checked_host_or_unknown() {
    let h = Harness::new();
    let long = format!("https://{}.example", "a".repeat(4096));
    for (origin, domain) in [
        (Some("https://Example.org:8443"), "example.org"),
        (Some(long.as_str()), "unknown"),
        (Some("null"), "unknown"),
        (None, "unknown"),
    ] {
        let r = h.call(Req {
            origin,
            ..Req::new("POST", "/api/comments", r#"{"text":"where from?"}"#)
        });
        assert_eq!(r.status, 201);
        assert_eq!(json(&r)["domain"], domain, "{origin:?}");
    }
}

#[test]
fn without_a_configured_token_nobody_is_a_bot() {
    let mut h = Harness::new();
    h.config.bot_token = None;
    let r = h.call(Req::new("PATCH", "/api/comments/x", PROCESSED).bot());
    assert_eq!(r.status, 403);
}

#[test]
fn guessing_the_credential_is_throttled_per_network() {
    let h = limited();
    let c = h.post(r#"{"text":"waiting","botParams":{"processed":false}}"#);
    let path = format!("/api/comments/{}", c.id);
    let guess = |ip: &str, n: usize| {
        let auth = format!("Bearer guess-{n}");
        h.call(
            Req {
                authorization: Some(&auth),
                ..Req::new("PATCH", &path, PROCESSED)
            }
            .from(ip),
        )
    };
    let answers: Vec<u16> = (0..8).map(|n| guess("203.0.113.9", n).status).collect();
    assert_eq!(answers, [403, 403, 403, 403, 403, 429, 429, 429]);
    let r = guess("203.0.113.9", 99);
    assert_eq!(json(&r)["code"].as_str(), Some("rate_limited"));
    assert!(r.header("Retry-After").is_some());
    // Another network still gets its plain 403; the right credential is never throttled.
    assert_eq!(guess("203.0.113.10", 0).status, 403);
    let ok = h.call(
        Req {
            authorization: Some(BOT),
            ..Req::new("PATCH", &path, PROCESSED)
        }
        .from("203.0.113.9"),
    );
    assert_eq!(ok.status, 200);
}
