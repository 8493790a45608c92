//! What one entity asks the model about one comment, and what it makes of the answer.
//!
//! The prompt is the original's, with the re-creation's three deliberate changes
//! (docs/bot.md): the entity's `systemPrompt` and `userPrompt` go as the system message, the
//! conversation (the comment's `context`, its last `nom` lines, then `"<name>: <text>"`) as
//! the user message; `botParams.model` chooses the model; `[SKIP]` is silence, marked handled.

use saywhatwant_wire::{is_valid_color, Comment, MAX_AI_USERNAME_CHARS};

use crate::entities::{Entity, Sampling};
use crate::Identity;

/// A chat completion request, independent of any server.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub model: String,
    pub system: String,
    pub user: String,
    pub sampling: Sampling,
}

pub const SKIP: &str = "[SKIP]";

pub fn ask(entity: &Entity, comment: &Comment) -> Ask {
    let context = comment.context.as_deref().unwrap_or_default();
    let recent = &context[context.len().saturating_sub(entity.nom)..];
    let mut user: Vec<String> = recent.to_vec();
    user.push(format!(
        "{}: {}",
        comment.username.as_deref().unwrap_or("anonymous"),
        comment.text
    ));
    let mut user = user.join("\n");
    if entity.add_newline_to_context {
        user.push('\n');
    }
    if entity.add_entity_username {
        if !entity.add_newline_to_context {
            user.push('\n');
        }
        user.push_str(&format!("{}: ", entity.me.name));
    }
    let model = comment
        .bot_params
        .as_ref()
        .and_then(|b| b.model.clone())
        .unwrap_or_else(|| entity.model.clone());
    Ask {
        model,
        system: format!("{}{}", entity.system_prompt, entity.user_prompt),
        user,
        sampling: entity.sampling.clone(),
    }
}

/// What to do with a model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The entity chose silence: post nothing, mark the comment handled.
    Skip,
    Say(String),
    /// Nothing left after filtering: a failure (tried again later), never an empty post.
    Empty,
}

/// `[SKIP]` anywhere means silence; otherwise `filterOut` phrases are removed, the text is cut
/// before the first `trimAfter` phrase, and trimmed when `trimWhitespace` says so.
pub fn shape(entity: &Entity, raw: &str) -> Answer {
    if raw.contains(SKIP) {
        return Answer::Skip;
    }
    let mut text = raw.to_owned();
    for phrase in &entity.filter_out {
        text = text.replace(phrase.as_str(), "");
    }
    if let Some(cut) = entity
        .trim_after
        .iter()
        .filter_map(|p| text.find(p.as_str()))
        .min()
    {
        text.truncate(cut);
    }
    if entity.trim_whitespace {
        text = text.trim().to_owned();
    }
    if text.trim().is_empty() {
        Answer::Empty
    } else {
        Answer::Say(text)
    }
}

/// The colour of an `ais` identity: given, or a fresh one for each answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AisColor {
    Fixed(String),
    Random,
}

/// `Name:RRRGGGBBB` or `Name:random`; `None` for anything else (the entity's own identity
/// is used then).
pub fn parse_ais(ais: &str) -> Option<(String, AisColor)> {
    let (name, color) = ais.rsplit_once(':')?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_AI_USERNAME_CHARS {
        return None;
    }
    let color = match color.trim() {
        c if c.eq_ignore_ascii_case("random") => AisColor::Random,
        c if is_valid_color(c) => AisColor::Fixed(c.to_owned()),
        _ => return None,
    };
    Some((name.to_owned(), color))
}

/// Who the answer is posted as: the link's `ais` when it parses, else the entity. `seed`
/// picks the colour for `random`.
pub fn speaker(entity: &Entity, comment: &Comment, seed: u64) -> Identity {
    let ais = comment.bot_params.as_ref().and_then(|b| b.ais.as_deref());
    match ais.and_then(parse_ais) {
        Some((name, AisColor::Fixed(color))) => Identity { name, color },
        Some((name, AisColor::Random)) => Identity {
            name,
            color: random_color(seed),
        },
        None => entity.me.clone(),
    }
}

/// A bright-enough colour from a seed (each channel 60–255, so it reads on the dark page).
pub fn random_color(seed: u64) -> String {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut channel = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        60 + (x % 196)
    };
    format!("{:03}{:03}{:03}", channel(), channel(), channel())
}

/// A number in `[0, 1)` fixed by the comment and the entity: whether an entity speaks up
/// unasked is decided the same way after every restart.
pub fn chance_roll(comment_id: &str, entity_id: &str) -> f64 {
    let h = comment_id
        .bytes()
        .chain([0])
        .chain(entity_id.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use saywhatwant_wire::{BotParams, MessageType};

    use super::*;
    use crate::entities::Config;

    fn guide() -> Entity {
        Config::parse(include_str!("../entities.json"))
            .expect("sample")
            .find("guide")
            .cloned()
            .expect("guide")
    }

    fn comment(text: &str, context: &[&str], params: BotParams) -> Comment {
        Comment {
            id: "c1".into(),
            text: text.into(),
            timestamp: 1,
            username: Some("ann".into()),
            color: None,
            domain: "d".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: Some(context.iter().map(|s| s.to_string()).collect()),
            bot_params: Some(params),
            reply_to: None,
        }
    }

    #[test]
    fn the_prompt_holds_the_last_nom_lines_then_the_comment() {
        let mut e = guide();
        e.nom = 2;
        let lines = ["bob: one", "cy: two", "dee: three"];
        let a = ask(&e, &comment("hi?", &lines, BotParams::default()));
        assert_eq!(a.user, "cy: two\ndee: three\nann: hi?");
        assert_eq!(a.system, format!("{}{}", e.system_prompt, e.user_prompt));
        assert_eq!(a.model, "SmolLM2-135M-Instruct");
        assert_eq!(a.sampling.max_tokens, Some(60));
        // The link's model wins; the continuation cue is the entity's name.
        e.add_entity_username = true;
        e.add_newline_to_context = true;
        let p = BotParams {
            model: Some("other".into()),
            ..Default::default()
        };
        let a = ask(&e, &comment("hi?", &[], p));
        assert_eq!(
            (a.model.as_str(), a.user.as_str()),
            ("other", "ann: hi?\nGuide: ")
        );
    }

    #[test]
    fn answers_are_filtered_cut_trimmed_or_silent() {
        let e = guide();
        assert_eq!(
            shape(&e, "  Guide: Hello there!\nHuman: and more"),
            Answer::Say("Hello there!".into())
        );
        assert_eq!(shape(&e, "I will pass. [SKIP]"), Answer::Skip);
        assert_eq!(shape(&e, "Guide:   "), Answer::Empty);
        let mut raw = e.clone();
        raw.trim_whitespace = false;
        assert_eq!(shape(&raw, " a "), Answer::Say(" a ".into()));
    }

    #[test]
    fn the_link_s_ais_names_the_speaker() {
        let e = guide();
        let with = |ais: &str| {
            let p = BotParams {
                ais: Some(ais.into()),
                ..Default::default()
            };
            speaker(&e, &comment("x", &[], p), 7)
        };
        assert_eq!(
            with("Tea Pot:190210080"),
            Identity {
                name: "Tea Pot".into(),
                color: "190210080".into()
            }
        );
        let random = with("Tea Pot:random");
        assert_eq!(random.name, "Tea Pot");
        assert!(is_valid_color(&random.color), "{}", random.color);
        // Bad forms fall back to the entity.
        for bad in [
            "NoColour",
            "X:999999999",
            ":190210080",
            &format!("{}:random", "n".repeat(33)),
        ] {
            assert_eq!(with(bad), e.me, "{bad}");
        }
        assert_ne!(random_color(1), random_color(2));
    }

    #[test]
    fn the_unasked_roll_is_stable_and_spread() {
        assert_eq!(chance_roll("abc", "guide"), chance_roll("abc", "guide"));
        let hits = (0..1000)
            .filter(|i| chance_roll(&format!("c{i}"), "guide") < 0.25)
            .count();
        assert!((180..320).contains(&hits), "{hits}");
    }
}
