//! A person talks with an AI through a conversation link, end to end: the real page in headless
//! Chromium, the real worker, the bot following the live channel as a configured entity, and a
//! real OpenAI-compatible HTTP server (the stub records what the model was asked).

use std::time::Duration;

use saywhatwant_bot::{ApiClient, Bot, Identity, OpenAi};
use saywhatwant_e2e::openai_stub::{last_user, Reply, StubModel};
use saywhatwant_e2e::page::{say, token, wait_shown, wait_state};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::{base_url, bot_token, Api};
use serde_json::{json, Value};

const ENTITIES: &str = r#"{"entities": [{
    "id": "guide", "username": "Guide", "color": "080200160",
    "baseModel": "tiny-test-model", "systemPrompt": "You are Guide. ",
    "userPrompt": "Answer the last message.", "filterOut": ["Guide:"],
    "trimWhitespace": true, "maxTokens": 40, "nom": 5}]}"#;

/// The computed CSS colour of the username of the row whose text is `text`.
const NAME_COLOR: &str = "
    const row = Array.from(document.querySelectorAll('[data-testid=comment]'))
        .find(r => r.querySelector('[data-testid=comment-text]')?.textContent === arguments[0]);
    const who = row?.querySelector('[data-testid=comment-username]');
    return who ? [who.textContent, getComputedStyle(who).color, row.getAttribute('data-id')] : null;";

#[tokio::test]
async fn a_conversation_link_gets_the_ai_s_answer_under_the_link_s_identity() {
    if saywhatwant_e2e::page::polling_only() {
        eprintln!("runs once, on the live channel");
        return;
    }
    let api = Api::new();
    // The model answers with what it was asked, so the test sees the whole path.
    let model = StubModel::start(|req| {
        let asked = last_user(req);
        let question = asked.lines().last().unwrap_or_default().to_owned();
        Reply::text(format!("Guide: glad you asked ({question})"))
    })
    .await;
    let dir = std::env::temp_dir().join(format!("sww-conversation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a dir");
    let file = dir.join("entities.json");
    std::fs::write(&file, ENTITIES).expect("written");
    let responder =
        OpenAi::new(&model.url(), "unused", None, Duration::from_secs(10)).expect("client");
    let client = ApiClient::new(&base_url(), Duration::from_secs(10))
        .expect("client")
        .with_token(Some(bot_token()));
    let mut bot = Bot::new(
        client,
        responder,
        Identity {
            name: "Bots".into(),
            color: "120200255".into(),
        },
    )
    .with_entities_file(file)
    .expect("valid entities");
    let running = tokio::spawn(async move { bot.run(Duration::from_secs(30), true).await });

    // What the person sees before asking: three rows by someone else, in the link's filter.
    let other = token("ctx").replace('-', "");
    let other = &other[..other.len().min(16)];
    let me = token("me").replace('-', "");
    let me = &me[..me.len().min(16)];
    let seen: Vec<String> = (0..3).map(|i| token(&format!("seen {i}"))).collect();
    for text in &seen {
        api.post(
            json!({"text": text, "username": other, "color": "190210080"}),
            "198.18.62.1",
        )
        .await;
    }
    let link = format!(
        "{}/#u={other}+{me}+Tea%20Pot&entity=guide&ais=Tea%20Pot:190210080&priority=7&nom=2&uis={me}:random",
        base_url()
    );
    let b = Browser::start().await;
    b.goto(&link).await;
    wait_state(&b, "live", Duration::from_secs(20)).await;
    for text in &seen {
        wait_shown(&b, text, true).await;
    }
    // Whom the person talks with, and the link kept as it was.
    let banner = b
        .wait_for(
            "the conversation banner",
            "return document.querySelector('[data-testid=conversation]')?.textContent;",
            json!([]),
            Duration::from_secs(10),
        )
        .await
        .0;
    assert!(
        banner.as_str().is_some_and(|t| t.contains("Tea Pot")),
        "{banner}"
    );
    let hash = b.js("return location.hash;", json!([])).await;
    for key in ["entity=guide", "ais=Tea%20Pot", "nom=2"] {
        assert!(
            hash.as_str().is_some_and(|h| h.contains(key)),
            "{key} in {hash}"
        );
    }

    let question = token("what is tea");
    say(&b, "", &question).await;
    let answer = format!("glad you asked ({me}: {question})");
    wait_shown(&b, &answer, true).await;
    running.abort();

    // The answer is on screen under the link's name, in the link's colour (the same colour
    // as a person's row of 190210080), and says whom it answers.
    let ai = b.js(NAME_COLOR, json!([answer])).await;
    let human = b.js(NAME_COLOR, json!([seen[0]])).await;
    assert_eq!(ai[0], "Tea Pot", "{ai}");
    assert_eq!(ai[1], human[1], "the ais colour: {ai} vs {human}");
    let reply_to = b
        .js(
            "return document.querySelector(`[data-id=\"${arguments[0]}\"] [data-testid=reply-to]`)?.textContent;",
            json!([ai[2]]),
        )
        .await;
    assert!(
        reply_to.as_str().is_some_and(|t| t.contains(me)),
        "in reply to {me}: {reply_to}"
    );

    // What the page sent: the link's botParams and the last nom=2 rows of the view as context.
    let stored = api
        .page("/api/comments?limit=200&fresh=true")
        .await
        .comments;
    let posted = stored
        .iter()
        .find(|c| c.text == question)
        .expect("the person's post");
    let params = posted.bot_params.clone().expect("botParams");
    assert_eq!(params.entity.as_deref(), Some("guide"));
    assert_eq!(params.ais.as_deref(), Some("Tea Pot:190210080"));
    assert_eq!(params.priority, Some(7));
    assert_eq!(posted.username.as_deref(), Some(me));
    let want_context = [
        format!("{other}: {}", seen[1]),
        format!("{other}: {}", seen[2]),
    ];
    assert_eq!(posted.context.as_deref(), Some(&want_context[..]));
    let reply = stored.iter().find(|c| c.text == answer).expect("the reply");
    assert_eq!(reply.reply_to.as_deref(), Some(posted.id.as_str()));
    // And what the model received: that context, then the question.
    let asked: Vec<Value> = model
        .requests()
        .into_iter()
        .filter(|r| last_user(r).contains(&question))
        .collect();
    assert_eq!(asked.len(), 1, "asked once");
    assert_eq!(
        last_user(&asked[0]),
        format!("{}\n{}\n{me}: {question}", want_context[0], want_context[1])
    );
    assert_eq!(asked[0]["model"], "tiny-test-model");
    b.quit().await;
}
