//! Posting on the live channel against the real worker (`wrangler dev`, its relays and log):
//! a post sent on a socket is acknowledged once committed, reaches every reader, is stored once
//! however it is sent again, and is held to HTTP's rules: validation, credentials and the
//! posting allowance it shares with `POST /api/comments`.

use saywhatwant_e2e::socket::{self, Socket};
use saywhatwant_e2e::{bot_token, in_one_limit_window, Api};
use serde_json::json;

async fn stored(api: &Api, domain: &str) -> Vec<saywhatwant_wire::Comment> {
    api.page(&format!(
        "/api/comments?fresh=true&limit=1000&domain={domain}"
    ))
    .await
    .comments
}

/// A socket from `ip` that has had its first frames (so the relay has it seated).
async fn reader(api: &Api, ip: &str, authorization: Option<&str>) -> Socket {
    let cursor = api.now_cursor().await;
    let mut ws = socket::open_as(&format!("after={cursor}"), ip, None, authorization)
        .await
        .expect("a socket");
    socket::frame(&mut ws).await;
    ws
}

#[tokio::test]
async fn a_post_on_the_socket_is_acknowledged_stored_once_and_reaches_every_reader() {
    let api = Api::new();
    let domain = "channel-post.test";
    let mut poster = reader(&api, "198.18.120.1", None).await;
    let mut other = reader(&api, "198.18.120.2", None).await;
    let body = json!({"id": "chan-post-1", "text": "sent on the socket", "domain": domain});
    socket::post(&mut poster, &body).await;
    let (ack, _) = socket::ack(&mut poster).await;
    assert_eq!(
        (ack.ack.as_deref(), ack.status),
        (Some("chan-post-1"), 201),
        "{ack:?}"
    );
    let comment = ack.comment.expect("the stored comment");
    assert_eq!(
        (comment.text.as_str(), comment.domain.as_str()),
        ("sent on the socket", domain)
    );
    // Acknowledged means committed: a fresh read has it now.
    assert_eq!(stored(&api, domain).await.len(), 1);
    // Every reader gets it as any comment.
    let frame = socket::frame(&mut other).await;
    assert!(
        frame.comments.iter().any(|c| c.id == "chan-post-1"),
        "{frame:?}"
    );
    // Sent again on the socket, or over HTTP after a lost acknowledgement: the same comment.
    socket::post(&mut poster, &body).await;
    let (again, _) = socket::ack(&mut poster).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.comment.map(|c| c.timestamp), Some(comment.timestamp));
    let http = api
        .send(
            "POST",
            "/api/comments",
            Some(body.to_string()),
            "198.18.120.1",
        )
        .await;
    assert_eq!(http.status, 200, "{}", http.body);
    assert_eq!(stored(&api, domain).await.len(), 1);
}

#[tokio::test]
async fn every_refusal_names_what_was_wrong_and_the_credential_is_the_sockets() {
    let api = Api::new();
    let domain = "channel-refusals.test";
    let mut ws = reader(&api, "198.18.121.1", None).await;
    for (message, status, code) in [
        ("not json".to_owned(), 400, "invalid_json"),
        (json!({"text": "no envelope"}).to_string(), 400, "unknown_field"),
        (
            saywhatwant_wire::live::channel_post(&json!({"text": "no id", "domain": domain}).to_string()),
            400,
            "invalid_field",
        ),
        (
            saywhatwant_wire::live::channel_post(
                &json!({"id": "chan-ai", "text": "as an entity", "message-type": "AI", "domain": domain})
                    .to_string(),
            ),
            401,
            "unauthorized",
        ),
    ] {
        socket::send_text(&mut ws, &message).await;
        let (ack, _) = socket::ack(&mut ws).await;
        assert_eq!((ack.status, ack.code.as_deref()), (status, Some(code)), "{message}");
        assert!(ack.error.is_some_and(|e| e.len() > 10), "{message}");
    }
    let ai = json!({"id": "chan-ai", "text": "as an entity", "message-type": "AI", "username": "Eve", "domain": domain});
    let wrong = format!("Bearer {}x", bot_token());
    let mut guesser = reader(&api, "198.18.121.2", Some(&wrong)).await;
    socket::post(&mut guesser, &ai).await;
    assert_eq!(socket::ack(&mut guesser).await.0.status, 403);
    assert!(stored(&api, domain).await.is_empty(), "nothing stored");
    let right = format!("Bearer {}", bot_token());
    let mut bot = reader(&api, "198.18.121.3", Some(&right)).await;
    socket::post(&mut bot, &ai).await;
    let (ack, _) = socket::ack(&mut bot).await;
    assert_eq!(ack.status, 201, "{ack:?}");
    assert_eq!(stored(&api, domain).await.len(), 1);
}

/// One location here: deployed, the relay's count and the Worker's may be two (docs/api.md).
#[tokio::test]
async fn posts_on_the_socket_spend_the_same_allowance_as_http() {
    let api = Api::new();
    let domain = "channel-limit.test";
    let ip = "198.18.122.1";
    in_one_limit_window(20).await;
    let mut ws = reader(&api, ip, None).await;
    for i in 0..5 {
        api.post(json!({"text": format!("http {i}"), "domain": domain}), ip)
            .await;
        socket::post(
            &mut ws,
            &json!({"id": format!("chan-limit-{i}"), "text": "socket", "domain": domain}),
        )
        .await;
        let (ack, _) = socket::ack(&mut ws).await;
        assert_eq!(ack.status, 201, "{ack:?}");
    }
    socket::post(
        &mut ws,
        &json!({"id": "chan-limit-over", "text": "over", "domain": domain}),
    )
    .await;
    let (over, _) = socket::ack(&mut ws).await;
    assert_eq!(
        (over.status, over.code.as_deref(), over.ack.as_deref()),
        (429, Some("rate_limited"), Some("chan-limit-over")),
        "{over:?}"
    );
    assert!(over.retry_after.is_some());
    let http = api
        .send(
            "POST",
            "/api/comments",
            Some(json!({"text": "over", "domain": domain}).to_string()),
            ip,
        )
        .await;
    assert_eq!(http.status, 429);
    assert_eq!(stored(&api, domain).await.len(), 10);
}
