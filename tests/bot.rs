//! The bot against the real worker: one reply per comment, marked processed, on the live
//! channel (the reply posted on the bot's socket) and by polling; a crash between its POST and its PATCH; a reply id someone else
//! holds; a model that is down; a poison comment among good ones.

use std::time::{Duration, Instant};

use saywhatwant_bot::prompt::Ask;
use saywhatwant_bot::{
    reply_id, ApiClient, Bot, Echo, Identity, OpenAi, Responder, ResponderError, Verdict,
};
use saywhatwant_e2e::{base_url, bot_token, Api};
use saywhatwant_wire::{Comment, MessageType};
use serde_json::json;

fn me() -> Identity {
    Identity {
        name: "TestBot".into(),
        color: "120200255".into(),
    }
}

fn client() -> ApiClient {
    ApiClient::new(&base_url(), Duration::from_secs(10))
        .expect("client")
        .with_token(Some(bot_token()))
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

/// Marks `id` as awaiting a bot again, as the bot credential may.
async fn reopen(api: &Api, id: &str) {
    let a = api
        .send_as_bot(
            "PATCH",
            &format!("/api/comments/{id}"),
            Some(json!({"botParams": {"processed": false}}).to_string()),
            "198.18.60.2",
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
}

async fn wait_answered(api: &Api, original: &Comment, domain: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let t = thread(api, domain).await;
        if t.iter().any(|c| c.id == reply_id(&original.id))
            && t.iter().any(|c| c.id == original.id && !c.awaits_bot())
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "no reply within {within:?}: {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn exactly_one_reply(api: &Api, original: &Comment, domain: &str) {
    let t = thread(api, domain).await;
    let replies: Vec<_> = t
        .iter()
        .filter(|c| c.message_type == MessageType::Ai)
        .collect();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(
        replies[0].text,
        format!("@asker you said: {}", original.text)
    );
    assert_eq!(replies[0].username.as_deref(), Some("TestBot"));
    assert_eq!(replies[0].reply_to.as_deref(), Some(original.id.as_str()));
}

#[tokio::test]
async fn on_the_live_channel_a_comment_gets_exactly_one_reply_and_is_marked() {
    let api = Api::new();
    let domain = "bot-live.test";
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some(domain.into()));
    let on_channel = bot.posted_on_channel();
    // A long poll interval: only the channel can answer in time.
    let running = tokio::spawn(async move { bot.run(Duration::from_secs(30), true).await });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let original = ask(&api, "hello live bot", domain).await;
    let took = wait_answered(&api, &original, domain, Duration::from_secs(10)).await;
    eprintln!("answered on the channel {took:?} after posting");
    tokio::time::sleep(Duration::from_secs(2)).await;
    running.abort();
    exactly_one_reply(&api, &original, domain).await;
    // The reply went on the bot's socket, not as a request of its own.
    assert_eq!(on_channel.load(std::sync::atomic::Ordering::Relaxed), 1);
}

#[tokio::test]
async fn polling_only_a_comment_gets_exactly_one_reply() {
    let api = Api::new();
    let domain = "bot-poll.test";
    let original = ask(&api, "hello polling bot", domain).await;
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some(domain.into()));
    let running = tokio::spawn(async move { bot.run(Duration::from_millis(3000), false).await });
    wait_answered(&api, &original, domain, Duration::from_secs(15)).await;
    // Several more polls must not answer it again.
    tokio::time::sleep(Duration::from_secs(7)).await;
    running.abort();
    exactly_one_reply(&api, &original, domain).await;
}

#[tokio::test]
async fn a_crash_between_post_and_patch_never_makes_a_second_reply() {
    let api = Api::new();
    let original = ask(&api, "crash test", "bot-crash.test").await;
    // A previous run of this bot posted its reply, which closed the original in the same
    // commit; reopened (as by a server from before that rule), it awaits the bot again.
    api.post_as_bot(json!({"id": reply_id(&original.id), "text": "first answer", "username": "TestBot", "message-type": "AI", "domain": "bot-crash.test", "replyTo": original.id}))
        .await;
    assert!(
        !thread(&api, "bot-crash.test")
            .await
            .iter()
            .any(|c| c.id == original.id && c.awaits_bot()),
        "the reply closed it"
    );
    reopen(&api, &original.id).await;
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some("bot-crash.test".into()));
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.answered, std::slice::from_ref(&original.id));
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
async fn a_reply_id_held_by_someone_else_is_not_taken_as_ours() {
    let api = Api::new();
    let original = ask(&api, "who answers?", "bot-other.test").await;
    // A stranger cannot take the reply id at all.
    let forged = api
        .send(
            "POST",
            "/api/comments",
            Some(
                json!({"id": reply_id(&original.id), "text": "forged", "domain": "bot-other.test"})
                    .to_string(),
            ),
            "198.18.61.1",
        )
        .await;
    assert_eq!((forged.status, forged.code()), (401, Some("unauthorized")));
    // Another bot (holding the credential) answered under its own name; then the comment was
    // reopened.
    api.post_as_bot(json!({"id": reply_id(&original.id), "text": "other bot", "username": "OtherBot", "message-type": "AI", "domain": "bot-other.test", "replyTo": original.id}))
        .await;
    reopen(&api, &original.id).await;
    let mut bot = Bot::new(client(), Echo, me()).for_domain(Some("bot-other.test".into()));
    let report = bot.poll_once().await.expect("a poll");
    assert!(report.answered.is_empty());
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].1.contains("OtherBot"), "{report:?}");
    let t = thread(&api, "bot-other.test").await;
    assert!(
        t.iter().any(|c| c.id == original.id && c.awaits_bot()),
        "not closed in our name"
    );
}

#[tokio::test]
async fn an_unreachable_model_is_retried_not_fatal() {
    let api = Api::new();
    let original = ask(&api, "anyone there?", "bot-down.test").await;
    // Nothing listens on port 9 here: the model is down.
    let model =
        OpenAi::new("http://127.0.0.1:9/v1", "m", None, Duration::from_secs(2)).expect("client");
    let mut down = Bot::new(client(), model, me()).for_domain(Some("bot-down.test".into()));
    let report = down
        .poll_once()
        .await
        .expect("the API is fine; the model is not");
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].2, Verdict::RetryIn(Duration::from_secs(3)));
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
    assert!(thread(&api, "bot-down.test")
        .await
        .iter()
        .any(|c| c.id == reply_id(&original.id)));
}

/// Answers like Echo, but cannot answer a comment that says "poison".
struct Picky;

impl Responder for Picky {
    async fn reply(&self, to: &Comment, ask: &Ask) -> Result<String, ResponderError> {
        if to.text.contains("poison") {
            return Err(ResponderError::Empty);
        }
        Echo.reply(to, ask).await
    }
}

#[tokio::test]
async fn a_poison_comment_is_skipped_and_reported_and_the_others_are_answered() {
    let api = Api::new();
    let domain = "bot-poison.test";
    let good1 = ask(&api, "good one", domain).await;
    let poison = ask(&api, "poison pill", domain).await;
    let good2 = ask(&api, "good two", domain).await;
    let mut bot = Bot::new(client(), Picky, me()).for_domain(Some(domain.into()));
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.answered, [good1.id.clone(), good2.id.clone()]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, poison.id);
    assert!(
        report.failed[0].1.contains("no message content"),
        "{report:?}"
    );
    // Polled again at once: the poison one waits for its retry time, nothing is asked twice.
    let again = bot.poll_once().await.expect("a poll");
    assert!(
        again.answered.is_empty() && again.failed.is_empty(),
        "{again:?}"
    );
    let t = thread(&api, domain).await;
    assert_eq!(
        t.iter()
            .filter(|c| c.message_type == MessageType::Ai)
            .count(),
        2
    );
    assert!(t.iter().any(|c| c.id == poison.id && c.awaits_bot()));
}
