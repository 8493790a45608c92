//! The operator's room, natively: every action as a reader would see it (fresh reads, catch-up
//! from a cursor, the cached first load), the rules as a poster meets them, reports, the audit
//! and its undo, and retention.

mod support;

use saywhatwant_wire::moderation::{AuditEntry, ModerationState};
use serde_json::Value;
use support::{json, Harness, Req};

fn act(h: &Harness, body: &str) -> (u16, Value) {
    let mut r = Req::new("POST", "/api/admin/actions", body).admin();
    r.operator = Some("alice");
    let resp = h.call(r);
    (resp.status, json(&resp))
}

fn acted(h: &Harness, body: &str) -> AuditEntry {
    let (status, v) = act(h, body);
    assert_eq!(status, 200, "{body}: {v}");
    serde_json::from_value(v).expect("an audit entry")
}

fn state(h: &Harness) -> ModerationState {
    let r = h.call(Req::new("GET", "/api/admin/state", "").admin());
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("the state")
}

fn ids(page: &saywhatwant_wire::CommentsPage) -> Vec<&str> {
    page.comments.iter().map(|c| c.id.as_str()).collect()
}

fn post_from(h: &Harness, ip: &str, body: &str) -> (u16, Value) {
    let r = h.call(Req::new("POST", "/api/comments", body).from(ip));
    (r.status, json(&r))
}

#[test]
fn a_hidden_comment_leaves_every_read_and_catching_up_names_it() {
    let h = Harness::new();
    for id in ["a", "b", "c"] {
        h.post(&format!(r#"{{"id":"{id}","text":"comment {id}"}}"#));
    }
    let before = h.page("/api/comments?fresh=true");
    h.refresh_view();
    let entry = acted(&h, r#"{"action":"hide","id":"b"}"#);
    assert_eq!((entry.n, entry.by.as_str()), (1, "alice"));
    // A reader who was at the head before the takedown hears of it on the next poll.
    let cursor = before.cursor.as_deref().expect("cursor");
    let caught_up = h.page(&format!("/api/comments?after={cursor}&fresh=true"));
    assert_eq!(caught_up.removed, ["b"]);
    // A reader from the start gets the rest, without it, and also hears of it.
    let from_start = h.page("/api/comments?after=s0&fresh=true");
    assert_eq!(ids(&from_start), ["a", "c"]);
    assert_eq!(from_start.removed, ["b"]);
    // First loads: without it, and carrying it so a page drops what IndexedDB kept.
    let first = h.page("/api/comments?fresh=true");
    assert_eq!(
        (ids(&first), first.removed.clone()),
        (vec!["a", "c"], vec!["b".to_string()])
    );
    h.refresh_view();
    let cached = h.page("/api/comments?limit=200");
    assert_eq!(cached.source, saywhatwant_wire::Source::Cache);
    assert_eq!(
        (ids(&cached), cached.removed.clone()),
        (vec!["a", "c"], vec!["b".to_string()])
    );
    assert_eq!(
        json(&h.request("GET", "/api/stats", ""))["totalMessages"],
        2
    );
    // The hidden list keeps it for a restore; undo is that restore.
    assert_eq!(
        state(&h)
            .hidden
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["b"]
    );
    let undo = acted(&h, &format!(r#"{{"action":"undo","entry":{}}}"#, entry.n));
    assert_eq!(
        undo.action,
        saywhatwant_wire::moderation::AdminAction::Undo { entry: 1 }
    );
    // Back under a new number, so a reader following from its cursor gets it again.
    let back = h.page(&format!(
        "/api/comments?after={}&fresh=true",
        caught_up.cursor.as_deref().unwrap_or("s0")
    ));
    assert_eq!(ids(&back), ["b"]);
    assert_eq!(
        back.comments[0].timestamp, before.comments[1].timestamp,
        "its time is kept"
    );
    assert_eq!(ids(&h.page("/api/comments?fresh=true")), ["a", "c", "b"]);
    assert_eq!(
        json(&h.request("GET", "/api/stats", ""))["totalMessages"],
        3
    );
    let s = state(&h);
    assert!(
        s.audit.iter().any(|e| e.n == 1 && e.undone),
        "{:?}",
        s.audit
    );
    assert!(s.hidden.is_empty());
    // An undone entry cannot be undone again.
    let (status, v) = act(&h, r#"{"action":"undo","entry":1}"#);
    assert_eq!((status, v["code"].as_str()), (409, Some("conflict")));
}

#[test]
fn a_deleted_comment_is_gone_for_good_and_says_so() {
    let h = Harness::new();
    h.post(r#"{"id":"x","text":"abuse"}"#);
    h.post(r#"{"id":"y","text":"fine"}"#);
    let del = acted(&h, r#"{"action":"delete","id":"x"}"#);
    assert_eq!(del.undo, None);
    let (status, v) = act(&h, &format!(r#"{{"action":"undo","entry":{}}}"#, del.n));
    assert_eq!(status, 409, "{v}");
    assert!(
        v["error"].as_str().unwrap_or("").contains("gone for good"),
        "{v}"
    );
    let (status, v) = act(&h, r#"{"action":"restore","id":"x"}"#);
    assert_eq!(status, 409, "{v}");
    // Hidden first, then deleted: its text is no longer kept.
    acted(&h, r#"{"action":"hide","id":"y"}"#);
    acted(&h, r#"{"action":"delete","id":"y"}"#);
    assert!(state(&h).hidden.is_empty());
    let (status, v) = act(&h, r#"{"action":"hide","id":"nope"}"#);
    assert_eq!((status, v["code"].as_str()), (404, Some("not_found")));
    // A new comment after a deleted head takes a new number: seqs are never reused.
    let z = h.post(r#"{"id":"z","text":"after"}"#);
    let page = h.page("/api/comments?after=s2&fresh=true");
    assert_eq!(ids(&page), [z.id.as_str()]);
    assert_eq!(page.cursor.as_deref(), Some("s3"));
}

#[test]
fn a_ban_stops_the_author_network_or_name_for_its_time_and_undo_lifts_it() {
    let h = Harness::new();
    let (_, troll) = post_from(&h, "198.51.100.9", r#"{"text":"first","username":"Troll"}"#);
    let id = troll["id"].as_str().expect("id");
    let ban = acted(
        &h,
        &format!(r#"{{"action":"ban","target":{{"authorOf":"{id}"}},"minutes":10}}"#),
    );
    // Recorded by the network's label, never its address.
    let label = match &ban.action {
        saywhatwant_wire::moderation::AdminAction::Ban {
            target: saywhatwant_wire::moderation::BanTarget::Network(n),
            ..
        } => n.clone(),
        other => panic!("not a network ban: {other:?}"),
    };
    assert!(!label.contains("198.51"), "{label}");
    let (status, v) = post_from(&h, "198.51.100.9", r#"{"text":"again"}"#);
    assert_eq!((status, v["code"].as_str()), (403, Some("banned")), "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or("")
            .contains("10 more minutes"),
        "{v}"
    );
    assert_eq!(
        post_from(&h, "198.51.100.10", r#"{"text":"neighbour"}"#).0,
        201
    );
    // After its time, the ban is over.
    h.advance(10 * 60_000 + 1);
    assert_eq!(post_from(&h, "198.51.100.9", r#"{"text":"back"}"#).0, 201);
    // A name ban matches the name in any case, from any network.
    let name_ban = acted(
        &h,
        r#"{"action":"ban","target":{"username":"troll"},"minutes":60}"#,
    );
    let (status, _) = post_from(&h, "192.0.2.1", r#"{"text":"hi","username":"TROLL"}"#);
    assert_eq!(status, 403);
    assert_eq!(state(&h).bans.len(), 1);
    acted(
        &h,
        &format!(r#"{{"action":"undo","entry":{}}}"#, name_ban.n),
    );
    assert_eq!(
        post_from(&h, "192.0.2.1", r#"{"text":"hi","username":"TROLL"}"#).0,
        201
    );
    assert!(state(&h).bans.is_empty());
    // Bots are the operator's own: never banned by network.
    let (status, v) = act(
        &h,
        r#"{"action":"ban","target":{"network":"192.0.2.1"},"minutes":5}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("invalid_field")),
        "{v}"
    );
}

#[test]
fn blocked_words_and_links_are_named_and_slow_mode_says_when() {
    let h = Harness::new();
    acted(&h, r#"{"action":"blockWords","words":["Spam"]}"#);
    acted(&h, r#"{"action":"blockLinks","domains":["evil.example"]}"#);
    let (status, v) = post_from(&h, "192.0.2.5", r#"{"text":"buy SPAM now"}"#);
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("blocked_word")),
        "{v}"
    );
    assert!(v["error"].as_str().unwrap_or("").contains("spam"), "{v}");
    let (status, v) = post_from(
        &h,
        "192.0.2.5",
        r#"{"text":"see https://x.evil.example/a"}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("blocked_link")),
        "{v}"
    );
    // Nothing refused was stored.
    assert!(h.page("/api/comments?fresh=true").comments.is_empty());
    // The bots are the operator's own and exempt.
    let bot = h.call(
        Req::new(
            "POST",
            "/api/comments",
            r#"{"text":"spam, said the bot","message-type":"AI","username":"Bot"}"#,
        )
        .bot(),
    );
    assert_eq!(bot.status, 201, "{}", bot.body);

    acted(&h, r#"{"action":"slowMode","seconds":30}"#);
    assert_eq!(post_from(&h, "192.0.2.5", r#"{"text":"one"}"#).0, 201);
    let r = h.call(Req::new("POST", "/api/comments", r#"{"text":"two"}"#).from("192.0.2.5"));
    assert_eq!(
        (r.status, json(&r)["code"].as_str()),
        (429, Some("slow_mode"))
    );
    assert_eq!(r.header("Retry-After"), Some("30"));
    // Another network is not slowed by the first; a retry of a stored id is not a new post.
    assert_eq!(post_from(&h, "192.0.2.6", r#"{"text":"other"}"#).0, 201);
    h.advance(30_000);
    assert_eq!(post_from(&h, "192.0.2.5", r#"{"text":"two"}"#).0, 201);
    let s = state(&h);
    assert_eq!(
        (
            s.rules.blocked_words,
            s.rules.blocked_links,
            s.rules.slow_mode_seconds
        ),
        (
            vec!["spam".to_string()],
            vec!["evil.example".to_string()],
            30
        )
    );
}

#[test]
fn reports_queue_once_per_network_and_acting_clears_them() {
    let h = Harness::new();
    let c = h.post(r#"{"text":"rude"}"#);
    let path = format!("/api/comments/{}/report", c.id);
    let report = |ip: &str, body: &str| h.call(Req::new("POST", &path, body).from(ip));
    assert_eq!(report("192.0.2.1", r#"{"reason":"rude"}"#).status, 202);
    assert_eq!(
        report("192.0.2.1", r#"{"reason":"still rude"}"#).status,
        202
    );
    assert_eq!(report("192.0.2.2", "").status, 202);
    let queued = state(&h).reports;
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].report.count, queued[0].report.reasons.clone()),
        (2, vec!["rude".to_string()])
    );
    assert_eq!(
        queued[0].comment.as_ref().map(|c| c.text.as_str()),
        Some("rude")
    );
    // Bad reports are named.
    let unknown = h.call(Req::new("POST", "/api/comments/nope/report", ""));
    assert_eq!(
        (unknown.status, json(&unknown)["code"].as_str()),
        (404, Some("not_found"))
    );
    let long = format!(r#"{{"reason":"{}"}}"#, "x".repeat(300));
    let r = report("192.0.2.3", &long);
    assert_eq!(
        (r.status, json(&r)["code"].as_str()),
        (400, Some("invalid_field"))
    );
    // Dismissing clears the queue; so does taking the comment down.
    acted(
        &h,
        &format!(r#"{{"action":"dismissReport","id":"{}"}}"#, c.id),
    );
    assert!(state(&h).reports.is_empty());
    report("192.0.2.4", "");
    acted(&h, &format!(r#"{{"action":"hide","id":"{}"}}"#, c.id));
    assert!(state(&h).reports.is_empty());
    let (status, _) = act(
        &h,
        &format!(r#"{{"action":"dismissReport","id":"{}"}}"#, c.id),
    );
    assert_eq!(status, 404);
}

#[test]
fn the_operator_routes_need_the_operator_credential_and_name_bad_actions() {
    let h = Harness::new();
    let none = h.request("GET", "/api/admin/state", "");
    assert_eq!(
        (none.status, json(&none)["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let bot = h.call(
        Req::new(
            "POST",
            "/api/admin/actions",
            r#"{"action":"slowMode","seconds":5}"#,
        )
        .bot(),
    );
    assert_eq!(
        (bot.status, json(&bot)["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(state(&h).rules.slow_mode_seconds, 0, "nothing changed");
    for (body, code) in [
        (r#"{"action":"explode"}"#, "invalid_action"),
        (r#"{"action":"slowMode","seconds":-1}"#, "invalid_action"),
        (r#"{"action":"retention","keep":5}"#, "invalid_field"),
        (r#"{"action":"undo","entry":99}"#, "not_found"),
    ] {
        let (status, v) = act(&h, body);
        assert!(status == 400 || status == 404, "{body}: {status}");
        assert_eq!(v["code"].as_str(), Some(code), "{body}: {v}");
        assert!(!v["error"].as_str().unwrap_or("").is_empty());
    }
    assert!(
        state(&h).audit.is_empty(),
        "refused actions are not recorded"
    );
}

#[test]
fn retention_deletes_the_oldest_in_batches_and_reads_stay_whole() {
    let h = Harness::with_history(1_250);
    acted(&h, r#"{"action":"retention","keep":1000}"#);
    let mut log = h.log.log.borrow_mut();
    let mut batches = 0;
    while log.prune(100).expect("prune") > 0 {
        batches += 1;
    }
    assert_eq!((batches, log.total()), (3, 1_000));
    drop(log);
    let oldest = h.page("/api/comments?after=s0&limit=1&fresh=true");
    assert_eq!(ids(&oldest), ["seed250"]);
    assert_eq!(
        json(&h.request("GET", "/api/stats", ""))["totalMessages"],
        1_000
    );
    let s = state(&h);
    assert_eq!((s.figures.comments, s.rules.keep_comments), (1_000, 1_000));
}
