//! The bot against the real worker: one reply per comment, marked processed, even across a
//! crash between its POST and its PATCH, and an unreachable model never crashes it.

use std::time::{Duration, Instant};

use saywhatwant_bot::{reply_id, ApiClient, Bot, Echo, Identity, OpenAi};
use saywhatwant_e2e::{base_url, settle, Api};
use saywhatwant_wire::{Comment, MessageType};
use serde_json::json;

fn me() -> Identity {
    Identity {
        name: "TestBot".into(),
        color: "120200255".into(),
    }
}

fn client() -> ApiClient {
    ApiClient::new(&base_url(), Duration::from_secs(10)).expect("client")
}

async fn ask(api: &Api, text: &str, domain: &str) -> Comment {
    api.post(json!({"text": text, "username": "asker", "domain": domain, "botParams": {"processed": false}}), "198.18.60.1").await
}

/// The stream as the bot poll sees it, restricted to one test's domain.
async fn thread(api: &Api, domain: &str) -> Vec<Comment> {
    api.page(&format!(
        "/api/comments?limit=100&fresh=true&domain={domain}"
    ))
    .await
    .comments
}

#[tokio::test]
async fn a_waiting_comment_gets_exactly_one_reply_and_is_marked_processed() {
    let api = Api::new();
    let original = ask(&api, "hello bot", "bot-once.test").await;
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some("bot-once.test".into()));
    let running = tokio::spawn(async move { bot.run(Duration::from_millis(3000)).await });
    let started = Instant::now();
    let answered = loop {
        let t = thread(&api, "bot-once.test").await;
        if t.iter().any(|c| c.id == reply_id(&original.id))
            && t.iter().any(|c| c.id == original.id && !c.awaits_bot())
        {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no reply: {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!("answered {answered:?} after posting (the bot polls every 3 s)");
    // Several more polls must not answer it again.
    tokio::time::sleep(Duration::from_secs(7)).await;
    running.abort();
    settle().await;
    let t = thread(&api, "bot-once.test").await;
    let replies: Vec<_> = t
        .iter()
        .filter(|c| c.message_type == MessageType::Ai)
        .collect();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0].text, "@asker you said: hello bot");
    assert_eq!(replies[0].username.as_deref(), Some("TestBot"));
    assert_eq!(
        replies[0].context.as_deref(),
        Some(&[original.id.clone()][..])
    );
    let marked = t.iter().find(|c| c.id == original.id).expect("original");
    assert_eq!(
        marked.bot_params.as_ref().and_then(|b| b.processed),
        Some(true)
    );
}

#[tokio::test]
async fn a_crash_between_post_and_patch_never_makes_a_second_reply() {
    let api = Api::new();
    let original = ask(&api, "crash test", "bot-crash.test").await;
    // A previous run posted its reply and died before the PATCH.
    api.post(
        json!({"id": reply_id(&original.id), "text": "first answer", "username": "TestBot", "message-type": "AI", "domain": "bot-crash.test"}),
        "198.18.60.2",
    )
    .await;
    settle().await;
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some("bot-crash.test".into()));
    assert!(bot.poll_once().await.expect("a poll") >= 1);
    settle().await;
    let t = thread(&api, "bot-crash.test").await;
    let replies: Vec<_> = t
        .iter()
        .filter(|c| c.message_type == MessageType::Ai)
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].text, "first answer", "the stored reply stands");
    assert!(
        t.iter().any(|c| c.id == original.id && !c.awaits_bot()),
        "and the original is now marked"
    );
}

#[tokio::test]
async fn an_unreachable_model_is_retried_not_fatal() {
    let api = Api::new();
    let original = ask(&api, "anyone there?", "bot-down.test").await;
    settle().await;
    // Nothing listens on port 9 here: the model is down.
    let model =
        OpenAi::new("http://127.0.0.1:9/v1", "m", None, Duration::from_secs(2)).expect("client");
    let mut down = Bot::new(client(), model, me()).for_domain(Some("bot-down.test".into()));
    assert!(down.poll_once().await.is_err());
    settle().await;
    let t = thread(&api, "bot-down.test").await;
    assert!(
        t.iter().all(|c| c.message_type == MessageType::Human),
        "nothing posted"
    );
    assert!(
        t.iter().any(|c| c.id == original.id && c.awaits_bot()),
        "still waiting"
    );
    // When a responder is back, the comment is answered.
    let mut up = Bot::new(client(), Echo, me()).for_domain(Some("bot-down.test".into()));
    up.poll_once().await.expect("a poll");
    settle().await;
    assert!(thread(&api, "bot-down.test")
        .await
        .iter()
        .any(|c| c.id == reply_id(&original.id)));
}
