use super::*;

fn rows(n: usize) -> Vec<(Option<String>, String)> {
    (0..n)
        .map(|i| (Some(format!("u{i}")), format!("text {i}")))
        .collect()
}

fn ctx(v: &[(Option<String>, String)], nom: Option<Nom>) -> Vec<String> {
    context(
        v.iter().map(|(u, t)| Row {
            username: u.as_deref(),
            text: t,
        }),
        nom,
    )
}

#[test]
fn parses_every_key() {
    let c = Conversation::parse(
        "#entity=hm-st-1&ais=Mister%20Fox:255100000&priority=7&model=m&nom=3&u=ann",
    )
    .expect("a conversation");
    assert_eq!(c.entity.as_deref(), Some("hm-st-1"));
    assert_eq!(
        c.ais,
        Some(("Mister Fox".into(), ColorChoice::Fixed("255100000".into())))
    );
    assert_eq!(c.priority, Some(7));
    assert_eq!(c.model.as_deref(), Some("m"));
    assert_eq!(c.nom, Some(Nom::Rows(3)));
    assert_eq!(c.partner(), Some("Mister Fox"));
}

#[test]
fn random_colour_all_and_bad_values() {
    let c = Conversation::parse("ais=Bot:random&nom=ALL&priority=100").expect("ais given");
    assert_eq!(c.ais, Some(("Bot".into(), ColorChoice::Random)));
    assert_eq!(c.nom, Some(Nom::All));
    assert_eq!(c.priority, None, "priority past 99 is ignored");
    assert_eq!(
        Conversation::parse("ais=Bot:red"),
        None,
        "a bad colour is left out"
    );
    assert_eq!(
        Conversation::parse("nom=5&u=ann"),
        None,
        "nom alone is no conversation"
    );
    let long = "x".repeat(MAX_AI_USERNAME_CHARS + 1);
    assert_eq!(Conversation::parse(&format!("ais={long}:random")), None);
    let ok = "x".repeat(MAX_AI_USERNAME_CHARS);
    assert!(Conversation::parse(&format!("ais={ok}:random")).is_some());
}

#[test]
fn round_trips_through_the_hash() {
    for hash in [
        "entity=a%20b&ais=N%3Ax:000111222&priority=0&model=gpt%2F4&nom=ALL",
        "ais=Bot:random&nom=12",
        "entity=e",
    ] {
        let c = Conversation::parse(hash).expect(hash);
        let again = Conversation::parse(&c.hash_parts().join("&")).expect("formatted");
        assert_eq!(again, c, "{hash}");
    }
    let c = Conversation::parse("ais=N%3Ax:000111222").expect("name with a colon");
    assert_eq!(c.ais.as_ref().map(|a| a.0.as_str()), Some("N:x"));
}

#[test]
fn context_is_the_last_rows_oldest_first() {
    let v = rows(10);
    assert_eq!(
        ctx(&v, Some(Nom::Rows(3))),
        ["u7: text 7", "u8: text 8", "u9: text 9"]
    );
    assert_eq!(ctx(&v, None).len(), 10);
    assert_eq!(ctx(&rows(30), None).len(), DEFAULT_NOM);
    assert_eq!(ctx(&rows(30), None)[0], "u10: text 10");
    let anon = vec![(None, "hi".to_owned())];
    assert_eq!(ctx(&anon, Some(Nom::All)), ["anonymous: hi"]);
    assert!(ctx(&v, Some(Nom::Rows(0))).is_empty());
}

#[test]
fn all_is_capped_at_max_items() {
    let v = rows(MAX_CONTEXT_ITEMS + 50);
    let c = ctx(&v, Some(Nom::All));
    assert_eq!(c.len(), MAX_CONTEXT_ITEMS);
    assert_eq!(c.last().map(String::as_str), Some("u249: text 249"));
    assert_eq!(ctx(&v, Some(Nom::Rows(10_000))).len(), MAX_CONTEXT_ITEMS);
}

#[test]
fn long_lines_are_cut_and_oldest_dropped_to_the_byte_cap() {
    // Multi-byte text, so the byte cap bites before the item cap.
    let v: Vec<_> = (0..MAX_CONTEXT_ITEMS)
        .map(|i| (Some(format!("u{i}")), "é".repeat(400)))
        .collect();
    let c = ctx(&v, Some(Nom::All));
    assert!(c
        .iter()
        .all(|l| l.chars().count() <= MAX_CONTEXT_LINE_CHARS));
    let total: usize = c.iter().map(String::len).sum();
    assert!(total <= MAX_CONTEXT_BYTES, "{total}");
    assert!(c.len() < MAX_CONTEXT_ITEMS);
    let newest = format!("u{}: ", MAX_CONTEXT_ITEMS - 1);
    assert!(
        c.last().is_some_and(|l| l.starts_with(&newest)),
        "the newest is kept"
    );
}

#[test]
fn steer_comes_from_the_link_then_the_default_entity() {
    let c = Conversation::parse("entity=e1&ais=Fox:random&priority=7&model=m&nom=3").unwrap();
    let (p, nom) = steer(Some(&c), Some("dflt")).unwrap();
    assert_eq!(p.entity.as_deref(), Some("e1"));
    assert_eq!(p.ais.as_deref(), Some("Fox:random"));
    assert_eq!(
        (p.priority, p.model.as_deref(), p.nom),
        (Some(7), Some("m"), None)
    );
    assert_eq!(p.processed, Some(false));
    assert_eq!(nom, Some(Nom::Rows(3)));
    let (p, nom) = steer(None, Some("dflt")).unwrap();
    assert_eq!(
        (p.entity.as_deref(), p.ais, nom),
        (Some("dflt"), None, None)
    );
    assert!(steer(None, None).is_none());
    assert!(steer(None, Some("")).is_none());
}
