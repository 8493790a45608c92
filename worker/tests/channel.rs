//! Posting on the live channel (`{"post": …}`): the same validation, limits, credential rules
//! and idempotency as `POST /api/comments`, answered with an acknowledgement once committed.

mod support;

use saywhatwant_api::api::Config;
use saywhatwant_api::log::LogStore;
use serde_json::json;
use support::{Harness, Req, BOT};

fn limited() -> Harness {
    let mut h = Harness::new();
    h.config = Config {
        rate_limit: true,
        ..h.config
    };
    h
}

fn post(body: serde_json::Value) -> String {
    saywhatwant_wire::live::channel_post(&body.to_string())
}

fn live() -> Req<'static> {
    Req::new("GET", "/api/comments/live", "")
}

#[test]
fn a_post_is_stored_once_and_acknowledged_with_the_comment() {
    let h = Harness::new();
    let socket = h.socket_of(live());
    let message = post(json!({"id": "sock-1", "text": " over the socket ", "username": "ann"}));
    let ack = h.on_socket(&socket, &message);
    assert_eq!((ack.ack.as_deref(), ack.status), (Some("sock-1"), 201));
    let stored = ack.comment.expect("the stored comment");
    assert_eq!(stored.text, "over the socket");
    // The domain is the page's host, as an HTTP post from that page gets.
    assert_eq!(stored.domain, "saywhatwant.app");
    // Again on the socket, or over HTTP after a lost acknowledgement: the same one comment.
    let again = h.on_socket(&socket, &message);
    assert_eq!(
        (again.status, again.comment.map(|c| c.id)),
        (200, Some("sock-1".into()))
    );
    let http = h.call(Req::new(
        "POST",
        "/api/comments",
        &json!({"id": "sock-1", "text": "over the socket"}).to_string(),
    ));
    assert_eq!(http.status, 200, "{}", http.body);
    let page = h.page("/api/comments?fresh=true");
    assert_eq!(page.comments.len(), 1);
}

#[test]
fn a_socket_post_is_stored_under_the_network_an_http_post_is() {
    let h = Harness::new();
    let socket = h.socket_of(live().from("198.51.100.4"));
    h.on_socket(&socket, &post(json!({"id": "a", "text": "by socket"})));
    h.call(
        Req::new("POST", "/api/comments", r#"{"id":"b","text":"by http"}"#).from("198.51.100.4"),
    );
    let log = h.log.log.borrow();
    let network = |id| log.store().network_of(id).expect("read");
    assert!(network("a").is_some());
    assert_eq!(network("a"), network("b"));
}

#[test]
fn every_refusal_names_what_was_wrong_and_stores_nothing() {
    let h = Harness::new();
    let socket = h.socket_of(live());
    let big = "x".repeat(saywhatwant_wire::MAX_BODY_BYTES);
    let cases = [
        ("not json".to_owned(), 400, "invalid_json", None),
        (r#"{"text":"hi"}"#.to_owned(), 400, "unknown_field", None),
        (post(json!({"text": "no id"})), 400, "invalid_field", None),
        (
            post(json!({"id": "e1", "text": ""})),
            400,
            "invalid_field",
            Some("e1"),
        ),
        (
            post(json!({"id": "e2", "text": "x", "usernme": "a"})),
            400,
            "unknown_field",
            Some("e2"),
        ),
        (
            post(json!({"id": "e3", "text": big})),
            413,
            "payload_too_large",
            Some("e3"),
        ),
    ];
    for (message, status, code, id) in cases {
        let ack = h.on_socket(&socket, &message);
        let shown: String = message.chars().take(60).collect();
        assert_eq!(
            (ack.status, ack.code.as_deref(), ack.ack.as_deref()),
            (status, Some(code), id),
            "{shown}"
        );
        assert!(ack.error.is_some_and(|e| e.len() > 10), "{shown}");
        assert!(ack.comment.is_none());
    }
    assert!(h.page("/api/comments?fresh=true").comments.is_empty());
}

#[test]
fn the_credential_is_the_sockets_own_as_it_opened() {
    let h = Harness::new();
    let ai =
        json!({"id": "ai-1", "text": "an entity speaks", "message-type": "AI", "username": "Eve"});
    let reply = json!({"id": "re-x", "text": "a reply"});
    let visitor = h.socket_of(live());
    let guesser = h.socket_of(Req {
        authorization: Some("Bearer guess"),
        ..live()
    });
    for (socket, status, code) in [
        (&visitor, 401, "unauthorized"),
        (&guesser, 403, "forbidden"),
    ] {
        for body in [&ai, &reply] {
            let ack = h.on_socket(socket, &post(body.clone()));
            assert_eq!(
                (ack.status, ack.code.as_deref()),
                (status, Some(code)),
                "{body}"
            );
            assert!(ack.error.is_some_and(|e| e.contains("bot credential")));
        }
    }
    // Nothing in a message claims a credential: only the socket's opening does.
    let forged = h.on_socket(
        &visitor,
        &post(json!({"id": "ai-2", "text": "x", "message-type": "AI", "misc": BOT})),
    );
    assert_eq!(forged.status, 401);
    let bot = h.socket_of(live().bot());
    assert_eq!(h.on_socket(&bot, &post(ai)).status, 201);
    assert_eq!(h.on_socket(&bot, &post(reply)).status, 201);
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 2);
}

#[test]
fn the_posting_allowance_is_shared_with_http_and_bots_are_exempt() {
    let h = limited();
    let ip = "2001:db8:9:9::1";
    let socket = h.socket_of(live().from(ip));
    for i in 0..5 {
        let http = h.call(
            Req::new(
                "POST",
                "/api/comments",
                &json!({"text": format!("h{i}")}).to_string(),
            )
            .from(ip),
        );
        assert_eq!(http.status, 201);
        let ack = h.on_socket(&socket, &post(json!({"id": format!("s{i}"), "text": "s"})));
        assert_eq!(ack.status, 201);
    }
    let over = h.on_socket(&socket, &post(json!({"id": "s-over", "text": "over"})));
    assert_eq!(
        (
            over.status,
            over.code.as_deref(),
            over.retry_after,
            over.ack.as_deref()
        ),
        (429, Some("rate_limited"), Some(60), Some("s-over"))
    );
    let bot = h.socket_of(live().from(ip).bot());
    let ack = h.on_socket(
        &bot,
        &post(json!({"id": "b1", "text": "bots are exempt", "message-type": "AI"})),
    );
    assert_eq!(ack.status, 201);
    assert_eq!(h.page("/api/comments?fresh=true").comments.len(), 11);
}

#[test]
fn guessing_the_credential_on_a_socket_is_throttled_too() {
    let h = limited();
    let socket = h.socket_of(Req {
        authorization: Some("Bearer guess"),
        ..live().from("203.0.113.50")
    });
    // The upgrade itself counted one wrong credential; four more posts reach the log.
    let statuses: Vec<u16> = (0..6)
        .map(|i| {
            h.on_socket(&socket, &post(json!({"id": format!("g{i}"), "text": "hi"})))
                .status
        })
        .collect();
    assert_eq!(statuses, [201, 201, 201, 201, 429, 429]);
}
