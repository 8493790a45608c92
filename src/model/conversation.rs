//! Conversation links (issue 15): `ais=Name:RRRGGGBBB|Name:random`, `entity=<id>`,
//! `priority=0-99`, `model=<name>`, `nom=<n>|ALL` in the hash beside the view keys. Pure: parsing,
//! formatting back into the hash, and the `context` a post from such a page carries.
//!
//! A value that does not parse is left out, like every hash key (a hand-edited link still opens).

use saywhatwant_wire::{
    is_valid_color, BotParams, MAX_AI_USERNAME_CHARS, MAX_CONTEXT_BYTES, MAX_CONTEXT_ITEMS,
    MAX_CONTEXT_LINE_CHARS,
};

use crate::model::hash::{decode, encode};

/// The context rows when the link names no `nom`.
pub const DEFAULT_NOM: usize = 20;

/// A colour in a link: a fixed `RRRGGGBBB`, or `random` (a fresh pleasant colour, chosen by
/// the page when it applies the link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColorChoice {
    Fixed(String),
    Random,
}

impl ColorChoice {
    fn parse(s: &str) -> Option<ColorChoice> {
        if s.eq_ignore_ascii_case("random") {
            Some(ColorChoice::Random)
        } else {
            is_valid_color(s).then(|| ColorChoice::Fixed(s.to_owned()))
        }
    }

    fn as_str(&self) -> &str {
        match self {
            ColorChoice::Fixed(c) => c,
            ColorChoice::Random => "random",
        }
    }
}

/// How many shown rows go into a post's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nom {
    Rows(usize),
    /// The whole shown view, up to `MAX_CONTEXT_ITEMS`.
    All,
}

impl Nom {
    fn parse(s: &str) -> Option<Nom> {
        if s.eq_ignore_ascii_case("all") {
            return Some(Nom::All);
        }
        s.parse::<usize>().ok().map(Nom::Rows)
    }

    pub fn rows(self) -> usize {
        match self {
            Nom::Rows(n) => n.min(MAX_CONTEXT_ITEMS),
            Nom::All => MAX_CONTEXT_ITEMS,
        }
    }
}

/// Whom the reader talks with. Present when any of entity / priority / model / ais is given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    pub entity: Option<String>,
    pub ais: Option<(String, ColorChoice)>,
    pub priority: Option<u8>,
    pub model: Option<String>,
    pub nom: Option<Nom>,
}

impl Conversation {
    /// Reads one `key=value` pair of the hash into `self`; `false` when the key is not one of
    /// the conversation's (so the caller reads it as a view key).
    pub fn read_pair(&mut self, key: &str, value: &str) -> bool {
        let text = || {
            decode(value)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        match key {
            "entity" => self.entity = text().filter(|v| v.len() <= 64).or(self.entity.take()),
            "model" => self.model = text().filter(|v| v.len() <= 128).or(self.model.take()),
            "priority" => {
                self.priority = value
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= 99)
                    .or(self.priority)
            }
            "nom" => self.nom = Nom::parse(value).or(self.nom),
            "ais" => self.ais = text().and_then(|v| ais(&v)).or(self.ais.take()),
            _ => return false,
        }
        true
    }

    /// `Some` when the link names a conversation (`nom` alone does not).
    pub fn parse(hash: &str) -> Option<Conversation> {
        let mut c = Conversation::default();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        for pair in hash.split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                c.read_pair(k, v);
            }
        }
        c.is_present().then_some(c)
    }

    pub fn is_present(&self) -> bool {
        self.entity.is_some()
            || self.priority.is_some()
            || self.model.is_some()
            || self.ais.is_some()
    }

    /// The hash parts that keep this conversation in the link, in a fixed order.
    pub fn hash_parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(e) = &self.entity {
            parts.push(format!("entity={}", encode(e)));
        }
        if let Some((name, color)) = &self.ais {
            parts.push(format!("ais={}:{}", encode(name), color.as_str()));
        }
        if let Some(p) = self.priority {
            parts.push(format!("priority={p}"));
        }
        if let Some(m) = &self.model {
            parts.push(format!("model={}", encode(m)));
        }
        match self.nom {
            Some(Nom::Rows(n)) => parts.push(format!("nom={n}")),
            Some(Nom::All) => parts.push("nom=ALL".to_owned()),
            None => {}
        }
        parts
    }

    /// Who the banner names: the ais name, else the entity id.
    pub fn partner(&self) -> Option<&str> {
        self.ais
            .as_ref()
            .map(|(n, _)| n.as_str())
            .or(self.entity.as_deref())
    }
}

/// What a post carries: `botParams` (no `nom`, as the original) and how many rows of context;
/// from the conversation, else from the operator's default entity, else nothing.
pub fn steer(
    c: Option<&Conversation>,
    default_entity: Option<&str>,
) -> Option<(BotParams, Option<Nom>)> {
    let Some(c) = c else {
        let entity = default_entity.filter(|e| !e.is_empty())?;
        let params = BotParams {
            entity: Some(entity.to_owned()),
            processed: Some(false),
            ..BotParams::default()
        };
        return Some((params, None));
    };
    let params = BotParams {
        entity: c.entity.clone(),
        priority: c.priority,
        model: c.model.clone(),
        nom: None,
        ais: c
            .ais
            .as_ref()
            .map(|(n, col)| format!("{n}:{}", col.as_str())),
        processed: Some(false),
    };
    Some((params, c.nom))
}

/// `Name:RRRGGGBBB` or `Name:random` (the colour after the last colon).
fn ais(item: &str) -> Option<(String, ColorChoice)> {
    let (name, color) = item.rsplit_once(':')?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_AI_USERNAME_CHARS {
        return None;
    }
    Some((name.to_owned(), ColorChoice::parse(color.trim())?))
}

/// One row of the shown view, as context sees it.
pub struct Row<'a> {
    pub username: Option<&'a str>,
    pub text: &'a str,
}

/// The `context` of a post: the last `nom` rows of the shown view (pending rows count when
/// they are in the view; the message being sent is not among `shown`), oldest first, each
/// `username: text`; lines cut to `MAX_CONTEXT_LINE_CHARS`, then the oldest dropped until the
/// whole is within `MAX_CONTEXT_BYTES`.
pub fn context<'a>(
    shown: impl DoubleEndedIterator<Item = Row<'a>>,
    nom: Option<Nom>,
) -> Vec<String> {
    let want = nom.map_or(DEFAULT_NOM, Nom::rows);
    let mut lines: Vec<String> = shown
        .rev()
        .take(want)
        .map(|r| {
            let line = format!("{}: {}", r.username.unwrap_or("anonymous"), r.text);
            match line.char_indices().nth(MAX_CONTEXT_LINE_CHARS) {
                Some((cut, _)) => line[..cut].to_owned(),
                None => line,
            }
        })
        .collect();
    lines.reverse();
    let mut total: usize = lines.iter().map(String::len).sum();
    let mut first = 0;
    while total > MAX_CONTEXT_BYTES && first < lines.len() {
        total -= lines[first].len();
        first += 1;
    }
    lines.split_off(first)
}

#[cfg(test)]
#[path = "conversation_tests.rs"]
mod tests;
