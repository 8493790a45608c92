//! What a stranger with curl and no credential cannot do, against the real worker: each
//! refusal has its status and JSON error, and nothing is stored or changed.

use saywhatwant_e2e::socket::{self, Heard, Socket};
use saywhatwant_e2e::{in_one_limit_window, Api};
use serde_json::json;

async fn stored(api: &Api, domain: &str) -> Vec<saywhatwant_wire::Comment> {
    api.page(&format!(
        "/api/comments?fresh=true&limit=1000&domain={domain}"
    ))
    .await
    .comments
}

#[tokio::test]
async fn strangers_cannot_steer_the_bots_or_speak_for_them() {
    let api = Api::new();
    let domain = "strangers.test";
    let waiting = api
        .post(
            json!({"text": "bot, answer me", "domain": domain, "botParams": {"processed": false}}),
            "198.18.100.1",
        )
        .await;
    let patch = Some(r#"{"botParams":{"processed":true}}"#.to_string());
    let path = format!("/api/comments/{}", waiting.id);
    let none = api
        .send("PATCH", &path, patch.clone(), "198.18.100.2")
        .await;
    assert_eq!(
        (none.status, none.code()),
        (401, Some("unauthorized")),
        "{}",
        none.body
    );
    let mut wrong = Api::new();
    wrong.token = Some("not-the-token".into());
    let guessed = wrong
        .send_as_bot("PATCH", &path, patch, "198.18.100.2")
        .await;
    assert_eq!((guessed.status, guessed.code()), (403, Some("forbidden")));
    for body in [
        json!({"text": "I am the bot", "message-type": "AI", "domain": domain}),
        json!({"id": format!("re-{}", waiting.id), "text": "forged answer", "domain": domain}),
    ] {
        let a = api
            .send(
                "POST",
                "/api/comments",
                Some(body.to_string()),
                "198.18.100.3",
            )
            .await;
        assert_eq!((a.status, a.code()), (401, Some("unauthorized")), "{body}");
        let b = wrong
            .send_as_bot(
                "POST",
                "/api/comments",
                Some(body.to_string()),
                "198.18.100.3",
            )
            .await;
        assert_eq!((b.status, b.code()), (403, Some("forbidden")), "{body}");
    }
    let after = stored(&api, domain).await;
    assert_eq!(after.len(), 1, "nothing stored: {after:?}");
    assert!(after[0].awaits_bot(), "nothing changed");
}

#[tokio::test]
async fn only_json_is_a_post_so_no_other_site_can_post_through_its_visitors() {
    let api = Api::new();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/comments", api.base))
        .header("Content-Type", "text/plain")
        .header("CF-Connecting-IP", "198.18.101.1")
        .body(r#"{"text":"from a form","domain":"form.test"}"#)
        .send()
        .await
        .expect("an answer");
    assert_eq!(resp.status().as_u16(), 415);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "unsupported_media_type");
    assert!(stored(&api, "form.test").await.is_empty());
}

#[tokio::test]
async fn posts_are_limited_per_ipv6_network_and_bots_are_exempt() {
    let api = Api::new();
    in_one_limit_window(15).await;
    let domain = "net64.test";
    // Ten addresses of one /64: one allowance.
    for i in 0..10 {
        api.post(
            json!({"text": format!("n{i}"), "domain": domain}),
            &format!("2001:db8:64:1::{:x}", i + 1),
        )
        .await;
    }
    let over = api
        .send(
            "POST",
            "/api/comments",
            Some(json!({"text": "over", "domain": domain}).to_string()),
            "2001:db8:64:1:ffff::1",
        )
        .await;
    assert_eq!((over.status, over.code()), (429, Some("rate_limited")));
    assert!(over.header("retry-after").is_some());
    let bot = api
        .send_as_bot(
            "POST",
            "/api/comments",
            Some(json!({"text": "bot", "message-type": "AI", "domain": domain}).to_string()),
            "2001:db8:64:1::1",
        )
        .await;
    assert_eq!(bot.status, 201, "{}", bot.body);
    assert_eq!(stored(&api, domain).await.len(), 11);
}

#[tokio::test]
async fn reads_have_a_generous_limit_a_flood_cannot_pass() {
    let api = Api::new();
    in_one_limit_window(15).await;
    let ip = "198.18.102.1";
    let mut statuses = Vec::new();
    for _ in 0..125 {
        statuses.push(
            api.send("GET", "/api/comments?limit=1&fresh=true", None, ip)
                .await
                .status,
        );
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((ok, limited), (120, 5), "{statuses:?}");
}

#[tokio::test]
async fn hostile_input_is_refused_by_name_or_made_harmless() {
    let api = Api::new();
    let domain = "hostile.test";
    for (body, field) in [
        (
            json!({"text": "\u{200b}\u{200c}\u{feff}", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "nul \u{0} inside", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "hi", "username": "\u{202e}nimda", "domain": domain}),
            "username",
        ),
        (
            json!({"text": "hi", "username": "bob\nalice", "domain": domain}),
            "username",
        ),
        // Each range of characters that draws nothing, alone.
        (
            json!({"text": "\u{206a}\u{206f}", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "\u{1d173}\u{1d17a}", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "\u{e0100}\u{e01ef}", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "\u{1bca0}\u{1bca3}", "domain": domain}),
            "text",
        ),
        (
            json!({"text": "hi", "username": "\u{206a}\u{e0100}", "domain": domain}),
            "username",
        ),
        // Line and paragraph separators would forge a line in an export.
        (
            json!({"text": "hi", "username": "a\u{2028}b", "domain": domain}),
            "username",
        ),
        (
            json!({"text": "hi", "username": "a\u{2029}b", "domain": domain}),
            "username",
        ),
        // The fields the original did not check.
        (
            json!({"text": "hi", "language": "<b>", "domain": domain}),
            "language",
        ),
        (
            json!({"text": "hi", "misc": "bell\u{7}", "domain": domain}),
            "misc",
        ),
        (
            json!({"text": "hi", "context": ["ok", "nul\u{0}"], "domain": domain}),
            "context",
        ),
        (
            json!({"text": "hi", "botParams": {"entity": "\u{202e}x"}, "domain": domain}),
            "botParams.entity",
        ),
        (
            json!({"text": "hi", "botParams": {"model": "m\u{0}"}, "domain": domain}),
            "botParams.model",
        ),
        (
            json!({"text": "hi", "botParams": {"ais": "A\u{2029}:random"}, "domain": domain}),
            "botParams.ais",
        ),
    ] {
        let a = api
            .send(
                "POST",
                "/api/comments",
                Some(body.to_string()),
                "198.18.103.1",
            )
            .await;
        assert_eq!((a.status, a.code()), (400, Some("invalid_field")), "{body}");
        assert!(
            a.body["error"].as_str().is_some_and(|e| e.contains(field)),
            "{}",
            a.body
        );
    }
    assert!(stored(&api, domain).await.is_empty());
    // A 4 KB Origin does not become the comment's domain.
    let resp = reqwest::Client::new()
        .post(format!("{}/api/comments", api.base))
        .header("Content-Type", "application/json")
        .header("Origin", format!("https://{}.example", "a".repeat(4096)))
        .header("CF-Connecting-IP", "198.18.103.2")
        .body(r#"{"text":"long origin"}"#)
        .send()
        .await
        .expect("an answer");
    assert_eq!(resp.status().as_u16(), 201);
    let c: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(c["domain"], "unknown");
}

#[tokio::test]
async fn guessing_the_credential_gets_429_after_five_tries_a_minute() {
    let api = Api::new();
    in_one_limit_window(15).await;
    let waiting = api
        .post(
            json!({"text": "guess me", "domain": "guessing.test", "botParams": {"processed": false}}),
            "198.18.104.1",
        )
        .await;
    let path = format!("/api/comments/{}", waiting.id);
    let patch = Some(r#"{"botParams":{"processed":true}}"#.to_string());
    let mut statuses = Vec::new();
    for n in 0..8 {
        let mut guesser = Api::new();
        guesser.token = Some(format!("guess-{n}"));
        let a = guesser
            .send_as_bot("PATCH", &path, patch.clone(), "198.18.104.2")
            .await;
        statuses.push(a.status);
    }
    assert_eq!(statuses, [403, 403, 403, 403, 403, 429, 429, 429]);
    // The bot, with the right credential from the same network, is never throttled.
    let bot = api.send_as_bot("PATCH", &path, patch, "198.18.104.2").await;
    assert_eq!(bot.status, 200, "{}", bot.body);
}

/// Opens a live socket as a client at `ip` with `origin`: the close code (or refused upgrade's
/// status) if the server closes it at once, else the open socket.
async fn open_socket(ip: &str, origin: Option<&str>) -> (Option<u16>, Option<Socket>) {
    let mut ws = match socket::open("", ip, origin).await {
        Ok(ws) => ws,
        Err(status) => return (Some(status), None),
    };
    // The first frame: the (empty) backlog when admitted, a close when refused.
    match socket::next(&mut ws).await {
        Heard::Closed(code) => (Some(code), None),
        Heard::Frame(_) => (None, Some(ws)),
        Heard::Pong => panic!("a pong before any ping"),
    }
}

#[tokio::test]
async fn one_network_holds_at_most_twenty_live_sockets() {
    in_one_limit_window(30).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        let (closed, ws) = open_socket("198.18.105.1", None).await;
        assert_eq!(closed, None, "admitted");
        held.push(ws);
    }
    let (closed, _) = open_socket("198.18.105.1", None).await;
    assert_eq!(closed, Some(4429), "the 21st from one network is refused");
    // Another network is not affected.
    let (closed, _other) = open_socket("198.18.105.2", None).await;
    assert_eq!(closed, None);
    // A socket given back makes room again.
    drop(held.pop());
    let mut room = None;
    for _ in 0..50 {
        match open_socket("198.18.105.1", None).await {
            (None, ws) => {
                room = ws;
                break;
            }
            (Some(4429), _) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            (other, _) => panic!("{other:?}"),
        }
    }
    assert!(room.is_some(), "room after a close");
}
