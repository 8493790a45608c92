//! Relays under the real worker (`wrangler dev`, three relays, faults on): readers spread over
//! them get every comment once and in order while one relay loses its memory (as an eviction
//! does), one misses a round (as a failed delivery does) and recovers it from the log, one has
//! its sockets closed, and readers drop their own sockets and resume from their cursors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use saywhatwant_e2e::socket::{self, Heard};
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

const READERS: usize = 24;
const POSTS: usize = 60;

/// What one reader has heard: the ids of new comments in the order they came, and how often
/// its socket was closed under it.
#[derive(Default)]
struct Reader {
    ids: Vec<String>,
    reconnects: u32,
}

fn ip(i: usize) -> String {
    format!("198.18.{}.{}", 160 + i / 200, 1 + i % 200)
}

/// Follows the channel as a page does: keeps the cursor of every frame and reopens from it
/// whenever the socket closes, or when `drop_at` ids have arrived (the reader's own drop).
async fn follow(i: usize, start: String, heard: Arc<Mutex<Reader>>, drop_at: Option<usize>) {
    let mut cursor = start;
    let mut dropped = false;
    loop {
        let mut ws = socket::open(&format!("after={cursor}"), &ip(i), None)
            .await
            .expect("a socket");
        loop {
            if heard.lock().expect("lock").ids.len() >= POSTS {
                return;
            }
            match socket::next(&mut ws).await {
                Heard::Frame(page) => {
                    let mut h = heard.lock().expect("lock");
                    h.ids.extend(page.comments.iter().map(|c| c.id.clone()));
                    if let Some(c) = page.cursor {
                        cursor = c;
                    }
                    if !dropped && drop_at.is_some_and(|n| h.ids.len() >= n) {
                        dropped = true;
                        h.reconnects += 1;
                        break;
                    }
                }
                Heard::Pong => {}
                Heard::Closed(_) => {
                    heard.lock().expect("lock").reconnects += 1;
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn relays(api: &Api) -> Vec<(String, u64)> {
    let info = api
        .send_as_admin("GET", "/api/admin/object", None, "198.18.159.1")
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    info.body["relays"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let name = r["name"].as_str().unwrap_or_default().to_owned();
                    (name, r["sockets"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn to_relay(api: &Api, name: &str, act: &str) -> Value {
    let r = api
        .send_as_admin(
            "POST",
            &format!("/api/admin/relays/{name}/{act}"),
            None,
            "198.18.159.1",
        )
        .await;
    assert_eq!(r.status, 200, "{act} on {name}: {}", r.body);
    r.body
}

#[tokio::test]
async fn every_reader_gets_every_comment_once_in_order_through_relay_faults() {
    let api = Api::new();
    let start = api.now_cursor().await;
    let heard: Vec<Arc<Mutex<Reader>>> = (0..READERS).map(|_| Arc::default()).collect();
    let tasks: Vec<_> = heard
        .iter()
        .enumerate()
        .map(|(i, h)| {
            // A few readers drop their own sockets halfway and resume from their cursors.
            let drop_at = (i % 6 == 0).then_some(POSTS / 2);
            tokio::spawn(follow(i, start.clone(), h.clone(), drop_at))
        })
        .collect();
    // Every reader is on a relay before the first post.
    let mut on = Vec::new();
    for _ in 0..100 {
        on = relays(&api).await;
        if on.iter().map(|(_, n)| n).sum::<u64>() >= READERS as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("relays: {on:?}");
    assert!(
        on.len() >= 3,
        "the readers are spread over three relays: {on:?}"
    );
    let names: Vec<String> = on.iter().map(|(n, _)| n.clone()).collect();

    let mut posted = Vec::new();
    for i in 0..POSTS {
        match i {
            12 => drop(to_relay(&api, &names[0], "forget").await),
            24 => drop(to_relay(&api, &names[1], "skip-round").await),
            36 => drop(to_relay(&api, &names[2], "close-sockets").await),
            _ => {}
        }
        let c = api
            .post(json!({"text": format!("relayed {i}")}), "198.18.159.2")
            .await;
        posted.push(c.id);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .expect("every reader hears every comment within 30 s")
            .expect("the reader did not fail");
    }
    let mut reconnects = 0;
    for (i, h) in heard.iter().enumerate() {
        let h = h.lock().expect("lock");
        assert_eq!(h.ids, posted, "reader {i}: every comment once, in order");
        reconnects += h.reconnects;
    }
    // The closed relay's readers and the self-dropping ones came back.
    assert!(reconnects as usize > READERS / 6, "{reconnects} reconnects");
    // The rounds went on the log's links to the relays, not as a request each.
    let info = api
        .send_as_admin("GET", "/api/admin/object", None, "198.18.159.1")
        .await;
    let rounds = &info.body["rounds"];
    let (linked, requests) = (
        rounds["linked"].as_u64().unwrap_or(0),
        rounds["requests"].as_u64().unwrap_or(u64::MAX),
    );
    assert!(linked > 2 * requests, "{rounds}");
}

#[tokio::test]
async fn faults_and_unknown_relay_acts_are_refused_by_name() {
    let api = Api::new();
    let r = api
        .send_as_admin(
            "POST",
            "/api/admin/relays/nope/forget",
            None,
            "198.18.159.3",
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("/api/admin/relays/nope/forget")));
    let r = api
        .send(
            "POST",
            "/api/admin/relays/relay-any-0/forget",
            None,
            "198.18.159.3",
        )
        .await;
    assert_eq!(r.status, 401, "the operator credential: {}", r.body);
}
