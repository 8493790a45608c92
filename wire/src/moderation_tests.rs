use super::*;

fn rules(words: &[&str], links: &[&str]) -> Rules {
    Rules {
        blocked_words: words.iter().map(|s| s.to_string()).collect(),
        blocked_links: links.iter().map(|s| s.to_string()).collect(),
        ..Rules::default()
    }
}

#[test]
fn blocked_words_match_whole_words_and_phrases_ignoring_case() {
    let r = rules(&["spam", "buy now"], &[]);
    let word = |w: &str| Some(Refusal::BlockedWord { word: w.into() });
    assert_eq!(r.violation("this is SPAM!", None), word("spam"));
    assert_eq!(r.violation("hello", Some("Spam")), word("spam"));
    assert_eq!(r.violation("Buy, now: cheap", None), word("buy now"));
    // Inside another word, it is not the word.
    assert_eq!(r.violation("spammer antispam", None), None);
    assert_eq!(r.violation("buy it now", None), None);
}

#[test]
fn blocked_links_match_the_domain_and_its_subdomains_in_any_form() {
    let r = rules(&[], &["evil.example"]);
    let blocked = Some(Refusal::BlockedLink {
        domain: "evil.example".into(),
    });
    for text in [
        "see https://evil.example/x",
        "see http://WWW.Evil.Example:8080/?q",
        "see (evil.example).",
        "mail user@sub.evil.example",
        "go to a.b.evil.example/path",
    ] {
        assert_eq!(r.violation(text, None), blocked, "{text}");
    }
    for text in [
        "notevil.example",
        "evil.examples.org",
        "evil example",
        "3.14",
    ] {
        assert_eq!(r.violation(text, None), None, "{text}");
    }
}

#[test]
fn actions_parse_with_their_lists_normalized_and_bad_ones_named() {
    let a =
        parse_admin_action(br#"{"action":"blockWords","words":["  Buy   Now ","spam","SPAM",""]}"#);
    assert_eq!(
        a,
        Ok(AdminAction::BlockWords {
            words: vec!["buy now".into(), "spam".into()]
        })
    );
    let d =
        parse_admin_action(br#"{"action":"blockLinks","domains":["https://www.Evil.example/"]}"#);
    assert_eq!(
        d,
        Ok(AdminAction::BlockLinks {
            domains: vec!["evil.example".into()]
        })
    );
    let ban =
        parse_admin_action(br#"{"action":"ban","target":{"username":" Troll "},"minutes":60}"#);
    assert_eq!(
        ban,
        Ok(AdminAction::Ban {
            target: BanTarget::Username("troll".into()),
            minutes: 60
        })
    );
    for (body, field) in [
        (&br#"{"action":"hide","id":"a b"}"#[..], "id"),
        (
            br#"{"action":"ban","target":{"username":"x"},"minutes":0}"#,
            "minutes",
        ),
        (
            br#"{"action":"ban","target":{"network":"1.2.3.4"},"minutes":5}"#,
            "target.network",
        ),
        (
            br#"{"action":"blockLinks","domains":["not a domain"]}"#,
            "domains",
        ),
        (br#"{"action":"slowMode","seconds":99999}"#, "seconds"),
        (br#"{"action":"retention","keep":10}"#, "keep"),
        (br#"{"action":"explode"}"#, "action"),
        (br#"{"action":"hide","id":"a","extra":1}"#, "action"),
    ] {
        let e = parse_admin_action(body).expect_err(std::str::from_utf8(body).unwrap_or(""));
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
    }
}

#[test]
fn a_report_reason_is_optional_bounded_and_plain() {
    assert_eq!(parse_report(b""), Ok(String::new()));
    assert_eq!(parse_report(br#"{"reason":" rude "}"#), Ok("rude".into()));
    let long = format!(r#"{{"reason":"{}"}}"#, "x".repeat(201));
    assert_eq!(
        parse_report(long.as_bytes()).map_err(|e| e.field),
        Err(Some("reason".into()))
    );
    assert!(parse_report(br#"{"why":"x"}"#).is_err());
}

#[test]
fn the_state_round_trips_as_the_page_reads_it() {
    let entry = AuditEntry {
        n: 3,
        at: 10,
        by: "operator".into(),
        action: AdminAction::Hide { id: "c1".into() },
        undo: Some(AdminAction::Restore { id: "c1".into() }),
        undone: false,
    };
    let json = serde_json::to_string(&entry).expect("json");
    assert!(
        json.contains(r#""action":{"action":"hide","id":"c1"}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<AuditEntry>(&json).ok(), Some(entry));
}
