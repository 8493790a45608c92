//! The bot as many configured entities, against the real worker and a real OpenAI-compatible
//! HTTP server (the stub in tests/support records what the bot asked): the link's identity and
//! `replyTo`, the prompt and context the model receives, `[SKIP]`, filterOut/trimAfter, an
//! unknown entity, priority order, two bots on one backlog, reloads, rate limits, the status.

use std::path::{Path, PathBuf};
use std::time::Duration;

use saywhatwant_bot::{reply_id, ApiClient, Bot, Identity, OpenAi};
use saywhatwant_e2e::openai_stub::{last_user, Reply, StubModel};
use saywhatwant_e2e::{base_url, bot_token, Api};
use saywhatwant_wire::{Comment, MessageType};
use serde_json::{json, Value};

fn client() -> ApiClient {
    ApiClient::new(&base_url(), Duration::from_secs(10))
        .expect("client")
        .with_token(Some(bot_token()))
}

fn me() -> Identity {
    Identity {
        name: "Bots".into(),
        color: "120200255".into(),
    }
}

/// An entities file (the original's format) in a fresh temporary place.
fn config_file(name: &str, entities: Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sww-entities-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a dir");
    let path = dir.join("entities.json");
    write(&path, &entities);
    path
}

fn write(path: &Path, entities: &Value) {
    let file = json!({"version": "test", "queueSettings": {"maxConcurrentWorkers": 1}, "entities": entities});
    std::fs::write(path, file.to_string()).expect("written");
}

fn guide(extra: Value) -> Value {
    let mut e = json!({
        "id": "guide", "username": "Guide", "color": "080200160", "enabled": true,
        "baseModel": "tiny-test-model", "systemRole": "system",
        "systemPrompt": "You are Guide. ", "userPrompt": "Answer briefly.",
        "filterOut": ["Guide:"], "trimAfter": ["\nHuman:"], "trimWhitespace": true,
        "maxTokens": 60, "temperature": 0.5, "nom": 2, "defaultPriority": 50
    });
    if let (Some(e), Some(extra)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            e.insert(k.clone(), v.clone());
        }
    }
    e
}

async fn bot_for(model: &StubModel, path: &Path, domain: &str) -> Bot<OpenAi> {
    let responder =
        OpenAi::new(&model.url(), "unused", None, Duration::from_secs(10)).expect("client");
    Bot::new(client(), responder, me())
        .for_domain(Some(domain.into()))
        .with_entities_file(path.to_path_buf())
        .expect("a valid file")
}

async fn ask(api: &Api, domain: &str, text: &str, params: Value, context: Value) -> Comment {
    api.post(
        json!({"text": text, "username": "asker", "domain": domain,
               "botParams": params, "context": context}),
        "198.18.61.1",
    )
    .await
}

async fn thread(api: &Api, domain: &str) -> Vec<Comment> {
    api.page(&format!(
        "/api/comments?limit=100&fresh=true&domain={domain}"
    ))
    .await
    .comments
}

fn replies_to<'a>(t: &'a [Comment], original: &Comment) -> Vec<&'a Comment> {
    t.iter()
        .filter(|c| c.reply_to.as_deref() == Some(original.id.as_str()))
        .collect()
}

#[tokio::test]
async fn a_link_s_entity_answers_under_its_ais_identity_with_reply_to_and_the_right_prompt() {
    let api = Api::new();
    let domain = "entities-ais.test";
    let model = StubModel::start(|_| Reply::text("Guide: Hello there!\nHuman: and on")).await;
    let path = config_file("ais", json!([guide(json!({}))]));
    let mut bot = bot_for(&model, &path, domain).await;
    let original = ask(
        &api,
        domain,
        "what is tea?",
        json!({"entity": "guide", "ais": "Tea Pot:190210080", "priority": 7, "processed": false}),
        json!(["bob: one", "cy: two", "dee: three"]),
    )
    .await;
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(
        report.answered,
        std::slice::from_ref(&original.id),
        "{report:?}"
    );
    let t = thread(&api, domain).await;
    let replies = replies_to(&t, &original);
    assert_eq!(replies.len(), 1, "{t:?}");
    let reply = replies[0];
    assert_eq!(reply.id, reply_id(&original.id));
    assert_eq!(reply.message_type, MessageType::Ai);
    assert_eq!(reply.username.as_deref(), Some("Tea Pot"));
    assert_eq!(reply.color.as_deref(), Some("190210080"));
    assert_eq!(
        reply.text, "Hello there!",
        "filterOut, trimAfter, trimWhitespace"
    );
    assert!(
        t.iter().any(|c| c.id == original.id && !c.awaits_bot()),
        "marked"
    );
    // What the model was asked: the entity's model, prompt, sampling and the last nom=2 lines.
    let asked = model.requests();
    assert_eq!(asked.len(), 1);
    let req = &asked[0];
    assert_eq!(req["model"], "tiny-test-model");
    assert_eq!(req["max_tokens"], 60);
    assert_eq!(req["temperature"], 0.5);
    assert_eq!(req["messages"][0]["role"], "system");
    assert_eq!(
        req["messages"][0]["content"],
        "You are Guide. Answer briefly."
    );
    assert_eq!(last_user(req), "cy: two\ndee: three\nasker: what is tea?");
}

#[tokio::test]
async fn skip_means_silence_and_an_unknown_entity_never_blocks_the_others() {
    let api = Api::new();
    let domain = "entities-skip.test";
    let model = StubModel::start(|req| {
        if last_user(req).contains("quiet") {
            Reply::text("[SKIP]")
        } else {
            Reply::text("an answer")
        }
    })
    .await;
    let path = config_file("skip", json!([guide(json!({}))]));
    let mut bot = bot_for(&model, &path, domain).await;
    let params = json!({"entity": "guide", "processed": false});
    let quiet = ask(&api, domain, "be quiet", params.clone(), json!([])).await;
    let ghost = ask(
        &api,
        domain,
        "hello ghost",
        json!({"entity": "ghost", "processed": false}),
        json!([]),
    )
    .await;
    let loud = ask(&api, domain, "say something", params, json!([])).await;
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.skipped, std::slice::from_ref(&quiet.id));
    assert_eq!(report.answered, std::slice::from_ref(&loud.id));
    let t = thread(&api, domain).await;
    assert!(
        replies_to(&t, &quiet).is_empty(),
        "nothing posted for [SKIP]"
    );
    assert!(
        t.iter().any(|c| c.id == quiet.id && !c.awaits_bot()),
        "but marked"
    );
    assert!(replies_to(&t, &ghost).is_empty());
    assert!(
        t.iter().any(|c| c.id == ghost.id && c.awaits_bot()),
        "left for another bot"
    );
    assert_eq!(replies_to(&t, &loud).len(), 1);
    assert_eq!(bot.status.snapshot()["ignored"], 1);
    // The model was never asked about the unknown entity's comment.
    assert!(model
        .requests()
        .iter()
        .all(|r| !last_user(r).contains("ghost")));
}

#[tokio::test]
async fn a_backlog_is_taken_highest_priority_first_then_oldest() {
    let api = Api::new();
    let domain = "entities-priority.test";
    let model = StubModel::start(|req| Reply::text(format!("re: {}", last_user(req)))).await;
    let path = config_file("priority", json!([guide(json!({}))]));
    let mut bot = bot_for(&model, &path, domain).await.with_workers(1);
    let mut posted = Vec::new();
    for (text, priority) in [
        ("p10", Some(10)),
        ("p90a", Some(90)),
        ("pdefault", None),
        ("p90b", Some(90)),
        ("p0", Some(0)),
    ] {
        let mut params = json!({"entity": "guide", "processed": false});
        if let Some(p) = priority {
            params["priority"] = json!(p);
        }
        posted.push(ask(&api, domain, text, params, json!([])).await);
    }
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.answered.len(), 5, "{report:?}");
    let order: Vec<String> = model
        .requests()
        .iter()
        .map(|r| last_user(r).trim_start_matches("asker: ").to_owned())
        .collect();
    assert_eq!(order, ["p90a", "p90b", "pdefault", "p10", "p0"]);
}

#[tokio::test]
async fn two_bots_with_two_workers_each_answer_each_comment_once() {
    let api = Api::new();
    let domain = "entities-race.test";
    let model =
        StubModel::start(|_| Reply::text("one answer").after(Duration::from_millis(150))).await;
    let path = config_file("race", json!([guide(json!({}))]));
    let mut a = bot_for(&model, &path, domain).await.with_workers(2);
    let mut b = bot_for(&model, &path, domain).await.with_workers(2);
    let mut posted = Vec::new();
    for i in 0..6 {
        posted.push(
            ask(
                &api,
                domain,
                &format!("race {i}"),
                json!({"entity": "guide", "processed": false}),
                json!([]),
            )
            .await,
        );
    }
    let (ra, rb) = tokio::join!(a.poll_once(), b.poll_once());
    let (ra, rb) = (ra.expect("a"), rb.expect("b"));
    // Either may lose a race on a reply id (it then finds the other's reply and stands down).
    assert!(ra.answered.len() + rb.answered.len() >= 6, "{ra:?} {rb:?}");
    let t = thread(&api, domain).await;
    for original in &posted {
        assert_eq!(replies_to(&t, original).len(), 1, "{}", original.text);
        assert!(t.iter().any(|c| c.id == original.id && !c.awaits_bot()));
    }
}

#[tokio::test]
async fn the_file_is_reread_when_it_changes_and_a_broken_one_keeps_the_last_good() {
    let api = Api::new();
    let domain = "entities-reload.test";
    let model = StubModel::start(|_| Reply::text("ok")).await;
    let path = config_file("reload", json!([guide(json!({}))]));
    let mut bot = bot_for(&model, &path, domain).await;
    let params = json!({"entity": "guide", "processed": false});
    ask(&api, domain, "first", params.clone(), json!([])).await;
    bot.poll_once().await.expect("a poll");
    // A new prompt (and a new length, so the change shows whatever the clock's resolution).
    write(
        &path,
        &json!([guide(
            json!({"systemPrompt": "You are the reloaded Guide, now longer. "})
        )]),
    );
    // The bot looks at the file at most once a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ask(&api, domain, "second", params.clone(), json!([])).await;
    bot.poll_once().await.expect("a poll");
    // A broken file: the error names the field, the last good config keeps answering.
    write(&path, &json!([guide(json!({"color": "purple"}))]));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ask(&api, domain, "third", params, json!([])).await;
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.answered.len(), 1, "{report:?}");
    let systems: Vec<String> = model
        .requests()
        .iter()
        .map(|r| {
            r["messages"][0]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(systems.len(), 3);
    assert!(systems[0].starts_with("You are Guide."));
    assert!(systems[1].contains("reloaded"), "{systems:?}");
    assert!(
        systems[2].contains("reloaded"),
        "the last good config: {systems:?}"
    );
    let status = bot.status.snapshot();
    let error = status["configError"].as_str().unwrap_or_default();
    assert!(error.contains("entities[0].color"), "{status}");
}

#[tokio::test]
async fn an_entity_over_its_rate_limit_waits_and_answers_later() {
    let api = Api::new();
    let domain = "entities-rate.test";
    let model = StubModel::start(|_| Reply::text("limited answer")).await;
    let path = config_file(
        "rate",
        json!([guide(json!({"rateLimits": {"minSecondsBetweenPosts": 3}}))]),
    );
    let mut bot = bot_for(&model, &path, domain).await.with_workers(1);
    let params = json!({"entity": "guide", "processed": false});
    let first = ask(&api, domain, "one", params.clone(), json!([])).await;
    let second = ask(&api, domain, "two", params, json!([])).await;
    let report = bot.poll_once().await.expect("a poll");
    assert_eq!(report.answered, std::slice::from_ref(&first.id));
    assert_eq!(report.waiting, std::slice::from_ref(&second.id));
    let t = thread(&api, domain).await;
    assert!(replies_to(&t, &second).is_empty(), "not yet");
    // Polls before the gap has passed do not answer it either; after it, one does.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let later = bot.poll_once().await.expect("a poll");
    assert_eq!(
        later.answered,
        std::slice::from_ref(&second.id),
        "{later:?}"
    );
    let status = bot.status.snapshot();
    assert!(
        status["entities"]["guide"]["rateLimited"].as_u64() >= Some(1),
        "{status}"
    );
    assert_eq!(status["entities"]["guide"]["answered"], 2, "{status}");
}

#[tokio::test]
async fn the_status_endpoint_serves_the_counts_as_json() {
    let api = Api::new();
    let domain = "entities-status.test";
    let model = StubModel::start(|_| Reply::text("status answer")).await;
    let path = config_file("status", json!([guide(json!({}))]));
    let mut bot = bot_for(&model, &path, domain).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        l.local_addr().expect("addr").port()
    };
    let addr = format!("127.0.0.1:{port}");
    tokio::spawn(bot.status.clone().serve_owned(addr.clone()));
    ask(
        &api,
        domain,
        "count me",
        json!({"entity": "guide", "processed": false}),
        json!([]),
    )
    .await;
    bot.poll_once().await.expect("a poll");
    let mut status = Value::Null;
    for _ in 0..50 {
        if let Ok(r) = reqwest::get(format!("http://{addr}/status")).await {
            status = r.json().await.unwrap_or_default();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["entities"]["guide"]["answered"], 1, "{status}");
    assert_eq!(status["configEntities"], 1, "{status}");
    assert!(status["config"]
        .as_str()
        .is_some_and(|p| p.ends_with("entities.json")));
}
