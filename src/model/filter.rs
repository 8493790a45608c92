//! Which comments the view shows: the reading tools' rules, written once, here.
//!
//! - channel: Human, AI or both; always applies (it is also what the poll asks for);
//! - users: a comment by any of them (OR); a user is a name plus, when known, a colour;
//! - include-words: every one of them in the text (ALL of), whatever the case; a word matches
//!   inside longer ones too (`cat` in `cats`), which keeps the rule small and predictable;
//! - exclude-words and blocked users: none of them (ANY of them hides the comment);
//! - search: a case-insensitive substring of the text or the username; always applies, even
//!   while the filters are switched off.
//!
//! Filters are a view over the timeline: nothing here touches what is polled, stored or sent.

use saywhatwant_wire::{Comment, MessageType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channel {
    #[default]
    All,
    Human,
    Ai,
}

impl Channel {
    /// The poll's `type` parameter.
    pub fn message_type(self) -> Option<MessageType> {
        match self {
            Channel::All => None,
            Channel::Human => Some(MessageType::Human),
            Channel::Ai => Some(MessageType::Ai),
        }
    }

    /// The URL's `mt` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::All => "ALL",
            Channel::Human => "human",
            Channel::Ai => "AI",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ALL" | "all" => Some(Channel::All),
            "human" => Some(Channel::Human),
            "AI" | "ai" => Some(Channel::Ai),
            _ => None,
        }
    }
}

/// Someone, as the stream shows them: a name and (when the rule has one) a colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub color: Option<String>,
}

impl User {
    pub fn of(c: &Comment) -> Self {
        User {
            name: c.username.clone().unwrap_or_default(),
            color: c.color.clone(),
        }
    }

    pub fn wrote(&self, c: &Comment) -> bool {
        c.username.as_deref().unwrap_or_default() == self.name
            && self
                .color
                .as_ref()
                .is_none_or(|col| c.color.as_ref() == Some(col))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub users: Vec<User>,
    pub blocked_users: Vec<User>,
    /// Lowercase words (see [`word`]), looked for anywhere in the text.
    pub words: Vec<String>,
    pub blocked_words: Vec<String>,
    /// Off: the filters are kept but not applied (channel and search still are).
    pub active: bool,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            users: Vec::new(),
            blocked_users: Vec::new(),
            words: Vec::new(),
            blocked_words: Vec::new(),
            active: true,
        }
    }
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.blocked_users.is_empty()
            && self.words.is_empty()
            && self.blocked_words.is_empty()
    }

    /// Adds a rule once; a rule in one list leaves its opposite list (you cannot both want
    /// and block a word).
    pub fn add_user(&mut self, u: User) {
        self.blocked_users.retain(|b| *b != u);
        push_once(&mut self.users, u);
        self.active = true;
    }

    pub fn block_user(&mut self, u: User) {
        self.users.retain(|b| *b != u);
        push_once(&mut self.blocked_users, u);
        self.active = true;
    }

    /// False when `w` holds no word.
    pub fn add_word(&mut self, w: &str, include: bool) -> bool {
        let Some(w) = word(w) else {
            return false;
        };
        let (add, remove) = if include {
            (&mut self.words, &mut self.blocked_words)
        } else {
            (&mut self.blocked_words, &mut self.words)
        };
        remove.retain(|x| *x != w);
        push_once(add, w);
        self.active = true;
        true
    }

    fn shows(&self, c: &Comment) -> bool {
        if !self.active {
            return true;
        }
        if !self.users.is_empty() && !self.users.iter().any(|u| u.wrote(c)) {
            return false;
        }
        if self.blocked_users.iter().any(|u| u.wrote(c)) {
            return false;
        }
        if self.words.is_empty() && self.blocked_words.is_empty() {
            return true;
        }
        let text = fold(&c.text);
        self.words.iter().all(|w| text.contains(w.as_str()))
            && !self.blocked_words.iter().any(|w| text.contains(w.as_str()))
    }
}

/// One removable rule, as the filter bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chip<'a> {
    pub label: &'a str,
    /// Blocked: shown differently, and read as "minus".
    pub negative: bool,
    pub color: Option<&'a str>,
}

impl Filters {
    /// Every rule in a fixed order (wanted users, blocked users, words, blocked words); a
    /// chip's place in it is what [`Filters::remove_at`] takes.
    pub fn chips(&self) -> Vec<Chip<'_>> {
        let mut out = Vec::new();
        for (list, negative) in [(&self.users, false), (&self.blocked_users, true)] {
            for u in list {
                let label = if u.name.is_empty() {
                    "anonymous"
                } else {
                    &u.name
                };
                let color = u.color.as_deref();
                out.push(Chip {
                    label,
                    negative,
                    color,
                });
            }
        }
        for (list, negative) in [(&self.words, false), (&self.blocked_words, true)] {
            for w in list {
                out.push(Chip {
                    label: w,
                    negative,
                    color: None,
                });
            }
        }
        out
    }

    /// Removes the rule at place `i` of [`Filters::chips`]; false when there is none.
    pub fn remove_at(&mut self, mut i: usize) -> bool {
        for list in [&mut self.users, &mut self.blocked_users] {
            if i < list.len() {
                list.remove(i);
                return true;
            }
            i -= list.len();
        }
        for list in [&mut self.words, &mut self.blocked_words] {
            if i < list.len() {
                list.remove(i);
                return true;
            }
            i -= list.len();
        }
        false
    }
}

fn push_once<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// Everything that decides what the stream shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lens {
    pub channel: Channel,
    pub filters: Filters,
    /// Lowercase; empty: no search.
    pub search: String,
    /// The domain filter (the title's switch): only comments posted from this site, by the
    /// host name the server stamps from `Origin` (lowercase).
    pub domain: Option<String>,
}

impl Lens {
    /// Nothing is hidden: the page behaves exactly as without the reading tools.
    pub fn shows_all(&self) -> bool {
        self.channel == Channel::All
            && (self.filters.is_empty() || !self.filters.active)
            && self.search.is_empty()
            && self.domain.is_none()
    }

    pub fn shows(&self, c: &Comment) -> bool {
        self.channel
            .message_type()
            .is_none_or(|t| t == c.message_type)
            && self.filters.shows(c)
            && search_matches(&self.search, c)
            && self.domain.as_ref().is_none_or(|d| *d == c.domain)
    }
}

/// The search box's text as the rule uses it.
pub fn needle(typed: &str) -> String {
    fold(typed.trim())
}

/// Lowercase, for comparing without case. In the page the browser's own Unicode tables do it
/// (Rust's would add kilobytes to the download); natively Rust's, which agree.
pub fn fold(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(s).to_lower_case().into();
    #[cfg(not(target_arch = "wasm32"))]
    s.to_lowercase()
}

/// `needle` (from [`needle`]) is in the text or the username, whatever the case.
pub fn search_matches(needle: &str, c: &Comment) -> bool {
    text_matches(needle, &c.text, c.username.as_deref())
}

/// The search rule on the two fields it reads (IndexedDB's search reads only these).
pub fn text_matches(needle: &str, text: &str, username: Option<&str>) -> bool {
    needle.is_empty()
        || fold(text).contains(needle)
        || username.is_some_and(|u| fold(u).contains(needle))
}

/// Letters and digits of any script. Without Unicode's tables (kilobytes in the download):
/// ASCII is exact; beyond it, Latin-1 signs, general punctuation and symbols, CJK punctuation,
/// full-width ASCII signs and emoji separate words, and everything else is a letter.
fn is_letter(ch: char) -> bool {
    match ch as u32 {
        0..=0x7F => ch.is_ascii_alphanumeric(),
        0x80..=0xBF
        | 0xD7
        | 0xF7
        | 0x2000..=0x2BFF
        | 0x3000..=0x303F
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0x1F000.. => false,
        _ => true,
    }
}

fn is_word_char(ch: char) -> bool {
    is_letter(ch) || ch == '\'' || ch == '-' || ch == '_'
}

/// A word as the rules compare it: lowercase, without surrounding punctuation.
pub fn word(s: &str) -> Option<String> {
    let w = s.trim_matches(|ch: char| !is_letter(ch));
    (!w.is_empty() && w.chars().all(is_word_char)).then(|| fold(w))
}

/// The distinct words of `text`, in order, at most `max`: what the message menu offers to block.
pub fn words_of(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for w in text.split(|ch| !is_word_char(ch)).filter_map(word) {
        if out.len() == max {
            break;
        }
        push_once(&mut out, w);
    }
    out
}

/// The word around character offset `at` (UTF-16, as the DOM counts) of `text`: what a click
/// there means.
pub fn word_at(text: &str, at: u32) -> Option<String> {
    let mut units = 0u32;
    let mut start = 0;
    for (i, ch) in text.char_indices() {
        if !is_word_char(ch) {
            if units >= at {
                return word(&text[start..i]);
            }
            start = i + ch.len_utf8();
        }
        units += ch.len_utf16() as u32;
    }
    word(&text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::tests::comment;

    fn said(name: &str, color: &str, text: &str) -> Comment {
        let mut c = comment(1, "x");
        c.username = Some(name.into());
        c.color = Some(color.into());
        c.text = text.into();
        c
    }

    fn user(name: &str, color: Option<&str>) -> User {
        User {
            name: name.into(),
            color: color.map(Into::into),
        }
    }

    fn lens(f: impl FnOnce(&mut Filters)) -> Lens {
        let mut l = Lens::default();
        f(&mut l.filters);
        l
    }

    #[test]
    fn no_rules_show_everything() {
        let l = Lens::default();
        assert!(l.shows_all());
        assert!(l.shows(&said("a", "000000000", "hi")));
    }

    #[test]
    fn users_are_any_of_and_the_colour_counts() {
        let l = lens(|f| {
            f.add_user(user("ann", Some("255000000")));
            f.add_user(user("bob", None));
        });
        assert!(l.shows(&said("ann", "255000000", "x")));
        assert!(!l.shows(&said("ann", "000000255", "x")), "another ann");
        assert!(l.shows(&said("bob", "000000255", "x")), "any colour");
        assert!(!l.shows(&said("cy", "255000000", "x")));
    }

    #[test]
    fn include_words_are_all_of_any_case() {
        let l = lens(|f| {
            f.add_word("Rust", true);
            f.add_word("wasm!", true);
        });
        assert!(l.shows(&said("a", "1", "rust and WASM, nice")));
        assert!(!l.shows(&said("a", "1", "rust only")));
        assert!(
            l.shows(&said("a", "1", "Rusty wasm")),
            "inside longer words too"
        );
        assert!(!l.shows(&said("ann", "1", "wasm")), "not in the username");
    }

    #[test]
    fn exclude_words_are_any_of_and_win() {
        let l = lens(|f| {
            f.add_word("spam", false);
            f.add_word("ads", false);
            f.add_word("news", true);
        });
        assert!(l.shows(&said("a", "1", "news today")));
        assert!(!l.shows(&said("a", "1", "news with ads")));
        assert!(!l.shows(&said("a", "1", "Spam news")));
        assert!(!l.shows(&said("a", "1", "nothing")));
    }

    #[test]
    fn blocking_a_word_takes_it_out_of_the_wanted_ones() {
        let mut f = Filters::default();
        f.add_word("x", true);
        f.add_word("X", false);
        assert!(f.words.is_empty());
        assert_eq!(f.blocked_words, ["x"]);
        assert!(!f.add_word("  ...  ", true));
    }

    #[test]
    fn every_rule_is_a_removable_chip() {
        let mut f = Filters::default();
        f.add_user(user("ann", Some("001002003")));
        f.block_user(user("", None));
        f.add_word("yes", true);
        f.add_word("no", false);
        let chips = f.chips();
        assert_eq!(chips.len(), 4);
        assert_eq!(chips[0].color, Some("001002003"));
        assert_eq!(chips[1].label, "anonymous");
        assert!(chips[3].negative && !chips[2].negative);
        assert!(f.remove_at(2));
        assert_eq!(f.words.len(), 0);
        assert!(!f.remove_at(3));
        while f.remove_at(0) {}
        assert!(f.is_empty());
    }

    #[test]
    fn blocked_users_are_hidden() {
        let l = lens(|f| f.block_user(user("troll", Some("001002003"))));
        assert!(!l.shows(&said("troll", "001002003", "x")));
        assert!(l.shows(&said("troll", "009009009", "x")));
    }

    #[test]
    fn switched_off_filters_keep_their_rules_but_search_still_applies() {
        let mut l = lens(|f| {
            f.add_word("only", true);
        });
        l.filters.active = false;
        assert!(l.shows(&said("a", "1", "other")));
        assert!(l.shows_all());
        l.search = needle(" OTH ");
        assert!(!l.shows_all());
        assert!(l.shows(&said("a", "1", "Other")));
        assert!(!l.shows(&said("a", "1", "else")));
        assert!(l.shows(&said("Othello", "1", "else")), "usernames too");
    }

    #[test]
    fn search_and_filters_together() {
        let mut l = lens(|f| f.add_user(user("ann", None)));
        l.search = needle("cat");
        assert!(l.shows(&said("ann", "1", "my Cat")));
        assert!(!l.shows(&said("bob", "1", "my cat")));
        assert!(!l.shows(&said("ann", "1", "my dog")));
    }

    #[test]
    fn the_domain_filter_shows_this_sites_comments_only() {
        let mut l = Lens::default();
        let mut here = said("a", "1", "x");
        here.domain = "saywhatwant.app".into();
        let mut there = said("b", "1", "y");
        there.domain = "shittosay.app".into();
        assert!(l.shows_all() && l.shows(&there));
        l.domain = Some("saywhatwant.app".into());
        assert!(!l.shows_all(), "the page must narrow the timeline");
        assert!(l.shows(&here));
        assert!(!l.shows(&there));
    }

    #[test]
    fn channels() {
        let mut l = Lens {
            channel: Channel::Ai,
            ..Lens::default()
        };
        let mut c = said("a", "1", "x");
        assert!(!l.shows(&c));
        c.message_type = MessageType::Ai;
        assert!(l.shows(&c));
        l.channel = Channel::Human;
        assert!(!l.shows(&c));
        assert_eq!(Channel::parse("ai"), Some(Channel::Ai));
        assert_eq!(Channel::parse("all"), Some(Channel::All));
        assert_eq!(Channel::parse("robots"), None);
    }

    #[test]
    fn the_word_under_a_click() {
        let t = "Hello, wörld-wide don't x";
        assert_eq!(word_at(t, 0).as_deref(), Some("hello"));
        assert_eq!(word_at(t, 5).as_deref(), Some("hello"));
        assert_eq!(word_at(t, 9).as_deref(), Some("wörld-wide"));
        assert_eq!(word_at(t, 20).as_deref(), Some("don't"));
        assert_eq!(word_at(t, 24).as_deref(), Some("x"));
        assert_eq!(word_at("😀 ok", 3).as_deref(), Some("ok"), "UTF-16 offsets");
        assert_eq!(word_at("a  b", 2), None);
    }

    #[test]
    fn a_message_offers_its_distinct_words() {
        assert_eq!(
            words_of("Spam, spam & eggs! -- it's SPAM https://x.io", 10),
            ["spam", "eggs", "it's", "https", "x", "io"]
        );
        assert_eq!(words_of("a b c d", 2), ["a", "b"]);
        assert!(words_of("!!! 🙂 …", 5).is_empty());
    }
}
