//! The operator's actions against the real worker (workerd, the log object's SQLite, local KV):
//! a takedown reaches an open socket at once and a reader catching up from its cursor, a
//! restore comes back live, and each rule refuses a post with a named error. Run alone
//! (`make test` gives it its own worker): slow mode and bans apply to every test's posts.

use saywhatwant_e2e::socket::{self, frame, Socket};
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

async fn act(api: &Api, action: Value) -> (u16, Value) {
    let a = api
        .send_as_admin(
            "POST",
            "/api/admin/actions",
            Some(action.to_string()),
            "198.18.140.250",
        )
        .await;
    (a.status, a.body)
}

async fn live(after: &str) -> Socket {
    socket::open(&format!("after={after}"), "198.18.140.9", None)
        .await
        .expect("the live channel opens")
}

#[tokio::test]
async fn a_takedown_reaches_open_sockets_and_readers_catching_up_and_a_restore_comes_back() {
    let api = Api::new();
    let cursor = api.now_cursor().await;
    let mut ws = live(&cursor).await;
    let opening = frame(&mut ws).await;
    assert!(opening.comments.is_empty() && opening.removed.is_empty());
    let c = api
        .post(json!({"text": "an abusive comment"}), "198.18.140.1")
        .await;
    assert_eq!(frame(&mut ws).await.comments[0].id, c.id);

    let (status, entry) = act(&api, json!({"action": "hide", "id": c.id})).await;
    assert_eq!(status, 200, "{entry}");
    let takedown = frame(&mut ws).await;
    assert_eq!(
        (takedown.comments.len(), takedown.removed.clone()),
        (0, vec![c.id.clone()])
    );

    // A reader that was away catches up from its old cursor: the comment is not there, and
    // the answer names it so the page drops its copy.
    let caught_up = api
        .page(&format!("/api/comments?after={cursor}&fresh=true"))
        .await;
    assert!(caught_up.comments.iter().all(|x| x.id != c.id));
    assert_eq!(caught_up.removed, std::slice::from_ref(&c.id));
    // A socket opened from that cursor hears it in its first frame.
    let mut late = live(&cursor).await;
    assert!(frame(&mut late).await.removed.contains(&c.id));
    // First loads leave it out and carry it.
    let first = api.page("/api/comments?limit=50&fresh=true").await;
    assert!(first.comments.iter().all(|x| x.id != c.id));
    assert!(first.removed.contains(&c.id));

    // Undo brings it back to open sockets.
    let n = entry["n"].as_u64().expect("n");
    let (status, body) = act(&api, json!({"action": "undo", "entry": n})).await;
    assert_eq!(status, 200, "{body}");
    let back = frame(&mut ws).await;
    assert_eq!(
        back.comments.first().map(|x| x.id.as_str()),
        Some(c.id.as_str())
    );
    let state = api
        .send_as_admin("GET", "/api/admin/state", None, "198.18.140.250")
        .await;
    assert_eq!(state.status, 200);
    let audit = state.body["audit"].as_array().cloned().unwrap_or_default();
    assert!(
        audit.iter().any(|e| e["n"] == n && e["undone"] == true),
        "{audit:?}"
    );
    assert!(state.body["figures"]["storageBytes"].as_u64().unwrap_or(0) > 0);
    assert!(state.body["figures"]["sockets"].as_u64().unwrap_or(0) >= 2);
}

#[tokio::test]
async fn each_rule_refuses_with_a_named_error_and_reports_queue() {
    let api = Api::new();
    let ip = "198.18.141.1";
    let c = api.post(json!({"text": "report me"}), ip).await;
    let r = api
        .send(
            "POST",
            &format!("/api/comments/{}/report", c.id),
            Some(r#"{"reason":"spam"}"#.into()),
            "198.18.141.2",
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let state = api
        .send_as_admin("GET", "/api/admin/state", None, "198.18.140.250")
        .await;
    assert!(
        state.body["reports"]
            .as_array()
            .is_some_and(|q| q.iter().any(|x| x["commentId"] == c.id.as_str())),
        "{}",
        state.body
    );
    // The bots' credential is not the operator's; a wrong one counts against guessing.
    let bot = api
        .send_as_bot("GET", "/api/admin/state", None, "198.18.141.3")
        .await;
    assert_eq!((bot.status, bot.code()), (403, Some("forbidden")));

    for (action, text, status, code) in [
        (
            json!({"action": "blockWords", "words": ["forbiddenword"]}),
            "say ForbiddenWord",
            422,
            "blocked_word",
        ),
        (
            json!({"action": "blockLinks", "domains": ["bad.example"]}),
            "go to https://www.bad.example/x",
            422,
            "blocked_link",
        ),
        (
            json!({"action": "ban", "target": {"authorOf": c.id}, "minutes": 5}),
            "hello again",
            403,
            "banned",
        ),
    ] {
        let (s, entry) = act(&api, action.clone()).await;
        assert_eq!(s, 200, "{action}: {entry}");
        let refused = api
            .send(
                "POST",
                "/api/comments",
                Some(json!({"text": text}).to_string()),
                ip,
            )
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (status, Some(code)),
            "{}",
            refused.body
        );
        assert!(!refused.body["error"].as_str().unwrap_or("").is_empty());
        // Undone, the same post goes through.
        let (s, _) = act(&api, json!({"action": "undo", "entry": entry["n"]})).await;
        assert_eq!(s, 200);
        let ok = api
            .send(
                "POST",
                "/api/comments",
                Some(json!({"text": text}).to_string()),
                ip,
            )
            .await;
        assert_eq!(ok.status, 201, "{action} undone: {}", ok.body);
    }

    let (s, entry) = act(&api, json!({"action": "slowMode", "seconds": 20})).await;
    assert_eq!(s, 200);
    let slow_ip = "198.18.141.9";
    let first = api
        .send(
            "POST",
            "/api/comments",
            Some(r#"{"text":"first"}"#.into()),
            slow_ip,
        )
        .await;
    assert_eq!(first.status, 201);
    let second = api
        .send(
            "POST",
            "/api/comments",
            Some(r#"{"text":"second"}"#.into()),
            slow_ip,
        )
        .await;
    assert_eq!((second.status, second.code()), (429, Some("slow_mode")));
    assert!(second
        .header("Retry-After")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|s| (1..=20).contains(&s)));
    act(&api, json!({"action": "undo", "entry": entry["n"]})).await;
}
