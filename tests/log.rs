//! The log's guarantees against the real object under `wrangler dev`: one comment per id
//! however many race on it, and a comment whose upload is slow still reaches a reader who
//! polled while it was uploading.

use std::collections::HashSet;
use std::time::Duration;

use futures::future::join_all;
use saywhatwant_e2e::{base_url, Api};
use saywhatwant_wire::Comment;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn fifty_posts_racing_on_one_id_store_one_comment() {
    let api = Api::new();
    // Unique per run, so the suite also passes against a worker that kept its state.
    let id = format!("race-{}", std::process::id());
    let body = json!({"id": id, "text": "only once", "domain": "one-id.test"});
    let answers = join_all((0..50).map(|i| {
        let (api, body) = (&api, body.to_string());
        async move {
            api.send(
                "POST",
                "/api/comments",
                Some(body),
                &format!("198.18.90.{i}"),
            )
            .await
        }
    }))
    .await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let repeated = answers.iter().filter(|a| a.status == 200).count();
    let others: Vec<_> = answers
        .iter()
        .filter(|a| a.status != 201 && a.status != 200)
        .map(|a| (a.status, a.body.clone()))
        .collect();
    assert_eq!(
        (created, repeated),
        (1, 49),
        "one stored, 49 told it exists; {others:?}"
    );
    assert!(
        answers.iter().all(|a| a.body == answers[0].body),
        "all see the same comment"
    );
    let stored = api
        .page("/api/comments?fresh=true&domain=one-id.test&limit=1000")
        .await;
    assert_eq!(stored.comments.iter().filter(|c| c.id == id).count(), 1);
}

/// Sends a POST whose body trickles in over `over`, as a slow phone upload would.
async fn slow_post(body: String, over: Duration) -> String {
    let url = base_url();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut tcp = TcpStream::connect(host).await.expect("connect");
    let head = format!(
        "POST /api/comments HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nCF-Connecting-IP: 198.18.91.1\r\nConnection: close\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.expect("head");
    let pieces = 8;
    let step = body.len().div_ceil(pieces);
    for chunk in body.as_bytes().chunks(step) {
        tokio::time::sleep(over / pieces as u32).await;
        tcp.write_all(chunk).await.expect("a piece");
    }
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.expect("an answer");
    answer
}

#[tokio::test]
async fn a_slow_upload_reaches_a_reader_who_polled_during_it() {
    let api = Api::new();
    let filter = "&domain=slow.test";
    let mut cursor = api.now_cursor().await;
    // Six seconds: well past the eight quick posts below (about 4.5 s), so on a loaded
    // machine too the upload ends after the last of them.
    let slow = tokio::spawn(slow_post(
        json!({"text": "uploaded slowly", "domain": "slow.test"}).to_string(),
        Duration::from_secs(6),
    ));
    // A live reader polls every half second while the upload runs; others post meanwhile.
    let mut received: Vec<Comment> = Vec::new();
    let mut others = Vec::new();
    for i in 0..8 {
        others.push(
            api.post(
                json!({"text": format!("quick {i}"), "domain": "slow.test"}),
                &format!("198.18.92.{i}"),
            )
            .await,
        );
        let p = api
            .page(&format!(
                "/api/comments?after={cursor}&limit=200&fresh=true{filter}"
            ))
            .await;
        received.extend(p.comments);
        cursor = p.cursor.expect("a cursor");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let answer = slow.await.expect("the upload");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let p = api
        .page(&format!(
            "/api/comments?after={cursor}&limit=200&fresh=true{filter}"
        ))
        .await;
    received.extend(p.comments);
    let texts: Vec<&str> = received.iter().map(|c| c.text.as_str()).collect();
    assert!(
        texts.contains(&"uploaded slowly"),
        "the slow one arrived: {texts:?}"
    );
    assert_eq!(received.len(), 9, "each exactly once: {texts:?}");
    let ids: HashSet<&str> = received.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 9);
    // Stamped at commit, so it is the newest, after every quick one.
    assert_eq!(texts.last(), Some(&"uploaded slowly"));
    assert!(others.iter().all(|o| received.contains(o)));
}
