//! Conversation links in a real browser against the real worker (issue 15): the banner, the keys
//! kept by view changes, what a post from such a page stores (botParams and exactly the last
//! `nom` shown rows as context), an AI answer shown "in reply to" the person, and Leave.

use saywhatwant_e2e::page::{page_url, press, say, token, wait_shown, wait_state, POLL_BOUND};
use saywhatwant_e2e::webdriver::Browser;
use saywhatwant_e2e::Api;
use serde_json::{json, Value};

const IP: &str = "198.18.91.1";

async fn hash(b: &Browser) -> String {
    let h = b
        .js("return decodeURIComponent(location.hash);", json!([]))
        .await;
    h.as_str().unwrap_or_default().to_owned()
}

async fn wait_hash(b: &Browser, what: &str, script: &str) {
    b.wait_for(what, script, json!([]), POLL_BOUND).await;
}

/// The stored comment with this text, read fresh from the API.
async fn stored(api: &Api, text: &str) -> saywhatwant_wire::Comment {
    let page = api.page("/api/comments?limit=200&fresh=true").await;
    page.comments
        .into_iter()
        .find(|c| c.text == text)
        .unwrap_or_else(|| panic!("{text:?} is stored"))
}

#[tokio::test]
async fn a_conversation_link_steers_posts_and_leave_ends_it() {
    let api = Api::new();
    let mark = token("conv");
    for i in 0..5 {
        api.post(
            json!({"text": format!("{mark} row {i}"), "username": format!("u{i}")}),
            IP,
        )
        .await;
    }
    let b = Browser::start().await;
    let link = format!(
        "{}#word={mark}&entity=e-conv&ais=Fox%20Bot:255100000&priority=7&model=m&nom=3&uis=Me:random",
        page_url()
    );
    b.goto(&link).await;
    wait_state(&b, "live", POLL_BOUND).await;
    wait_shown(&b, &format!("{mark} row 4"), true).await;

    // The banner names the ais in its colour.
    let banner: Value = b
        .js(
            "const e = document.querySelector('[data-testid=conversation]');
             const p = e && e.querySelector('.partner');
             return e && {entity: e.getAttribute('data-entity'), name: p.textContent,
                          color: p.getAttribute('data-color'), style: p.getAttribute('style'),
                          leave: e.querySelector('[data-testid=conversation-leave]')?.getAttribute('aria-label')};",
            json!([]),
        )
        .await;
    assert_eq!(banner["entity"], "e-conv");
    assert_eq!(banner["name"], "Fox Bot");
    assert_eq!(banner["color"], "255100000");
    assert!(
        banner["style"].as_str().unwrap_or("").contains("color"),
        "{banner}"
    );
    assert_eq!(banner["leave"], "Leave conversation");
    let h = hash(&b).await;
    assert!(!h.contains("uis="), "uis is applied once and dropped: {h}");

    // A view change keeps the conversation keys.
    press(&b, "[data-testid=channel-human]").await;
    wait_hash(
        &b,
        "mt=human in the link",
        "return location.hash.includes('mt=human');",
    )
    .await;
    let h = hash(&b).await;
    for key in [
        "entity=e-conv",
        "ais=Fox Bot:255100000",
        "priority=7",
        "model=m",
        "nom=3",
        &format!("word={mark}"),
    ] {
        assert!(h.contains(key), "{key} kept in {h}");
    }
    press(&b, "[data-testid=channel-all]").await;
    wait_hash(&b, "mt gone", "return !location.hash.includes('mt=');").await;
    assert!(hash(&b).await.contains("entity=e-conv"));

    // A post carries botParams and exactly the last 3 shown rows, oldest first.
    let question = format!("{mark} question");
    say(&b, "", &question).await;
    wait_shown(&b, &question, true).await;
    let q = stored(&api, &question).await;
    assert_eq!(q.username.as_deref(), Some("Me"));
    let p = q.bot_params.clone().expect("botParams stored");
    assert_eq!(p.entity.as_deref(), Some("e-conv"));
    assert_eq!(p.ais.as_deref(), Some("Fox Bot:255100000"));
    assert_eq!(
        (p.priority, p.model.as_deref(), p.nom),
        (Some(7), Some("m"), None)
    );
    assert_eq!(p.processed, Some(false));
    assert_eq!(
        q.context.as_deref(),
        Some(
            &[
                format!("u2: {mark} row 2"),
                format!("u3: {mark} row 3"),
                format!("u4: {mark} row 4"),
            ][..]
        )
    );

    // The AI's answer names the person it answers.
    let answer = format!("{mark} answer");
    api.post_as_bot(
        json!({"text": answer, "username": "Fox Bot", "color": "255100000",
                           "message-type": "AI", "replyTo": q.id}),
    )
    .await;
    wait_shown(&b, &answer, true).await;
    let (reply, _) = b
        .wait_for(
            "in reply to on the answer",
            "const e = document.querySelector('[data-testid=reply-to][data-reply-to=\"' + arguments[0] + '\"]');
             return e && e.textContent;",
            json!([q.id]),
            POLL_BOUND,
        )
        .await;
    assert_eq!(reply, "in reply to Me");
    let name_color: Value = b
        .js(
            "return Array.from(document.querySelectorAll('[data-testid=comment]'))
               .filter(r => r.querySelector('[data-testid=comment-text]').textContent === arguments[0])
               .map(r => r.querySelector('[data-testid=comment-username]').getAttribute('data-color'))[0];",
            json!([answer]),
        )
        .await;
    assert_eq!(name_color, "255100000");
    press(&b, "[data-testid=reply-to]").await;
    b.wait_for(
        "the answered row marked",
        "return document.querySelector('[data-testid=comment].answered')?.getAttribute('data-id') === arguments[0];",
        json!([q.id]),
        POLL_BOUND,
    )
    .await;

    // Leave: the keys go from the link, and the next post asks no bot.
    press(&b, "[data-testid=conversation-leave]").await;
    wait_hash(
        &b,
        "entity gone from the link",
        "return !location.hash.includes('entity=');",
    )
    .await;
    let h = hash(&b).await;
    assert!(
        !h.contains("ais=") && h.contains(&format!("word={mark}")),
        "{h}"
    );
    assert_eq!(
        b.js(
            "return !!document.querySelector('[data-testid=conversation]');",
            json!([])
        )
        .await,
        json!(false)
    );
    let plain = format!("{mark} plain");
    say(&b, "", &plain).await;
    wait_shown(&b, &plain, true).await;
    let p = stored(&api, &plain).await;
    assert_eq!((p.bot_params, p.context), (None, None));

    // Back returns to the conversation.
    b.js("history.back();", json!([])).await;
    b.wait_for(
        "the banner back",
        "return !!document.querySelector('[data-testid=conversation]');",
        json!([]),
        POLL_BOUND,
    )
    .await;
    b.quit().await;
}
