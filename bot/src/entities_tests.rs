//! The entities file: the original's shape, the fields honoured, errors by path.

use super::*;

const SAMPLE: &str = include_str!("../entities.json");

#[test]
fn the_sample_config_loads_with_its_defaults() {
    let c = Config::parse(SAMPLE).expect("the sample is valid");
    assert_eq!(c.entities.len(), 3);
    assert_eq!(c.workers, Some(2));
    let guide = c.find("guide").expect("guide");
    assert_eq!(guide.me.name, "Guide");
    assert_eq!(guide.me.color, "080200160");
    assert_eq!(guide.model, "SmolLM2-135M-Instruct", "baseModel");
    assert_eq!(guide.sampling.max_tokens, Some(60));
    assert_eq!(guide.sampling.top_k, Some(40));
    assert_eq!(guide.nom, 10);
    // The quantization's modelPath wins over everything else.
    assert_eq!(
        c.find("poet").map(|e| e.model.as_str()),
        Some("SmolLM2-135M-Instruct")
    );
    let owl = c.find("night-owl").expect("owl");
    assert!(!owl.enabled);
    assert_eq!(owl.default_priority, 70);
    assert_eq!(owl.user_prompt, "Say something short about the chat.");
    assert_eq!(c.default_entity().map(|e| e.id.as_str()), Some("guide"));
}

#[test]
fn the_documented_example_of_the_original_format_loads() {
    // The original system's documented example (docs/entities.md), with the unused top-level
    // sections the original carried.
    let text = r#"{"version":"example","botSettings":{"pollingInterval":3000},
        "routerSettings":{"enabled":false},"lmStudioServers":[],"clusterSettings":{},
        "entities":[{"id":"tea-sommelier","username":"TeaSommelier","color":"190210080",
          "enabled":true,"baseModel":"tiny-chat",
          "quantizations":{"f16":{"modelPath":"tiny-chat@f16","enabled":true}},
          "defaultQuantization":"f16","systemRole":"system","systemPrompt":"You are tea.\n",
          "userPrompt":"Reply.\n","addNewlineToContext":true,"addEntityUsername":true,
          "filterOut":["TeaSommelier:"],"trimAfter":["Human:"],"trimWhitespace":true,
          "temperature":0.6,"maxTokens":80,"topP":0.9,"topK":40,"repeatPenalty":1.1,
          "minP":0.05,"defaultPriority":50,"nom":20,"responseChance":0.1,
          "rateLimits":{"minSecondsBetweenPosts":2,"maxPostsPerMinute":20,"maxPostsPerHour":600}}],
        "globalSettings":{},"_configNotes":{}}"#;
    let c = Config::parse(text).expect("valid");
    let e = &c.entities[0];
    assert_eq!(e.model, "tiny-chat@f16");
    assert!(e.add_entity_username && e.add_newline_to_context);
    assert_eq!(e.response_chance, 0.1);
    assert_eq!(e.rate_limits.max_posts_per_minute, Some(20));
}

fn error_of(text: &str) -> (String, String) {
    match Config::parse(text) {
        Err(ConfigError::Invalid { path, reason }) => (path, reason),
        other => panic!("not an invalid config: {other:?}"),
    }
}

fn entity(fields: &str) -> String {
    format!(
        r#"{{"entities":[{{"id":"ok","username":"Ok","systemPrompt":"p"}},
        {{"id":"e","username":"E","systemPrompt":"p"{fields}}}]}}"#
    )
}

#[test]
fn each_error_names_its_field() {
    let cases = [
        (entity(r#","color":"red""#), "entities[1].color"),
        (entity(r#","color":7"#), "entities[1].color"),
        (entity(r#","defaultPriority":100"#), "entities[1].defaultPriority"),
        (entity(r#","responseChance":2"#), "entities[1].responseChance"),
        (entity(r#","maxTokens":"many""#), "entities[1].maxTokens"),
        (entity(r#","rateLimits":{"maxPostsPerMinute":-1}"#), "entities[1].rateLimits.maxPostsPerMinute"),
        (entity(r#","trimAfter":[""]"#), "entities[1].filterOut/trimAfter"),
        (r#"{"entities":[{"id":"e","username":"a name that is far too long for any chat row","systemPrompt":"p"}]}"#.into(), "entities[0].username"),
        (r#"{"entities":[{"id":"x","username":"X"}]}"#.into(), "entities[0]"),
        (r#"{"entities":[]}"#.into(), "entities"),
        (r#"{"entities":[{"id":"a","username":"A","systemPrompt":"p"},{"id":"a","username":"B","systemPrompt":"p"}]}"#.into(), "entities[1].id"),
        (r#"{"nothing": true}"#.into(), "(the file)"),
    ];
    for (text, want) in cases {
        let (path, reason) = error_of(&text);
        assert_eq!(path, want, "{text}: {reason}");
        assert!(!reason.is_empty());
    }
    assert!(matches!(
        Config::parse("{"),
        Err(ConfigError::Invalid { .. })
    ));
}
