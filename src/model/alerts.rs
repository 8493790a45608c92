//! Filter alerts: a sound chosen for a filter chip (a person or a word the reader filters by)
//! plays when a new comment matches it, at most once a second, and the chip stays marked
//! until the reader has looked at it.
//!
//! Only the chips that ask for something (wanted people, wanted words) can ring; a blocked one
//! hides comments, so nothing of it arrives to ring for. Only people's comments ring (the
//! original's rule since 11-08): a bot answering does not.

use saywhatwant_wire::{Comment, MessageType};

use crate::model::filter::{fold, word, Filters, User};

/// The quiet time after a sound: matches inside it mark their chips but play nothing.
pub const COOLDOWN_MS: u64 = 1_000;

/// The sounds an alert can make (made in the page, `sound.rs`; "Silent" is no alert).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sound {
    Delightful,
    Gamer,
    Hello,
    Horn,
    Subtle,
}

/// A tone: frequency in Hz, start and length in seconds.
pub type Note = (f32, f64, f64);

impl Sound {
    pub const ALL: [Sound; 5] = [
        Sound::Delightful,
        Sound::Gamer,
        Sound::Hello,
        Sound::Horn,
        Sound::Subtle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Sound::Delightful => "Delightful",
            Sound::Gamer => "Gamer",
            Sound::Hello => "Hello",
            Sound::Horn => "Horn",
            Sound::Subtle => "Subtle",
        }
    }

    pub fn parse(s: &str) -> Option<Sound> {
        Sound::ALL.into_iter().find(|x| x.name() == s)
    }

    /// The oscillator's wave and the tones, each short and soft.
    pub fn score(self) -> (&'static str, &'static [Note]) {
        match self {
            // A rising major arpeggio.
            Sound::Delightful => (
                "sine",
                &[(659.3, 0.0, 0.18), (830.6, 0.09, 0.18), (987.8, 0.18, 0.3)],
            ),
            // Two square blips, an octave apart.
            Sound::Gamer => ("square", &[(523.3, 0.0, 0.08), (1046.5, 0.09, 0.12)]),
            // Up a fourth, like a greeting.
            Sound::Hello => ("triangle", &[(587.3, 0.0, 0.16), (784.0, 0.16, 0.26)]),
            // One low, buzzy blast (a fifth).
            Sound::Horn => ("sawtooth", &[(220.0, 0.0, 0.35), (329.6, 0.0, 0.35)]),
            // One quiet high tick.
            Sound::Subtle => ("sine", &[(1318.5, 0.0, 0.12)]),
        }
    }
}

/// What an alert listens for: one chip's rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    User(User),
    /// Lowercase, as the filter keeps it.
    Word(String),
}

impl Rule {
    /// The rule of the chip at place `i` of [`Filters::chips`], when that chip can ring.
    pub fn of_chip(f: &Filters, i: usize) -> Option<Rule> {
        if let Some(u) = f.users.get(i) {
            return Some(Rule::User(u.clone()));
        }
        let i = i.checked_sub(f.users.len() + f.blocked_users.len())?;
        f.words.get(i).map(|w| Rule::Word(w.clone()))
    }

    /// What the chip says (for the screen reader's announcement).
    pub fn label(&self) -> &str {
        match self {
            Rule::User(u) if u.name.is_empty() => "anonymous",
            Rule::User(u) => &u.name,
            Rule::Word(w) => w,
        }
    }

    fn hears(&self, c: &Comment) -> bool {
        match self {
            Rule::User(u) => u.wrote(c),
            Rule::Word(w) => fold(&c.text).contains(w.as_str()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alerts {
    rules: Vec<(Rule, Sound)>,
    /// Rules a comment matched since the reader last looked at their chip.
    unread: Vec<Rule>,
    last_sound_at: Option<u64>,
}

impl Alerts {
    pub fn sound_of(&self, r: &Rule) -> Option<Sound> {
        self.rules.iter().find(|(x, _)| x == r).map(|(_, s)| *s)
    }

    /// `None`: silent (the alert goes).
    pub fn set(&mut self, r: Rule, s: Option<Sound>) {
        self.rules.retain(|(x, _)| *x != r);
        self.unread.retain(|x| *x != r);
        if let Some(s) = s {
            self.rules.push((r, s));
        }
    }

    pub fn is_unread(&self, r: &Rule) -> bool {
        self.unread.contains(r)
    }

    /// The reader looked at the chip (hovered or focused it). False when it was not marked.
    pub fn seen(&mut self, r: &Rule) -> bool {
        let before = self.unread.len();
        self.unread.retain(|x| x != r);
        before != self.unread.len()
    }

    /// New comments arrived (not the reader's own, not ones already shown): marks the chips
    /// they match, and says which sound to play now, if any: the first match's, unless a sound
    /// played less than [`COOLDOWN_MS`] ago.
    pub fn heard(&mut self, arrivals: &[Comment], now_ms: u64) -> Option<(Sound, Rule)> {
        let mut first = None;
        for c in arrivals
            .iter()
            .filter(|c| c.message_type == MessageType::Human)
        {
            for (r, s) in &self.rules {
                if r.hears(c) {
                    if !self.unread.contains(r) {
                        self.unread.push(r.clone());
                    }
                    first.get_or_insert((*s, r.clone()));
                }
            }
        }
        let quiet = self
            .last_sound_at
            .is_some_and(|t| now_ms.saturating_sub(t) < COOLDOWN_MS);
        let play = first.filter(|_| !quiet)?;
        self.last_sound_at = Some(now_ms);
        Some(play)
    }

    /// One rule a line (`u\tname\tRRRGGGBBB\tSound`, `w\tword\tSound`) for localStorage; names
    /// and words hold no tabs or line breaks (the server refuses control characters).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (r, s) in &self.rules {
            match r {
                Rule::User(u) => {
                    out.push_str("u\t");
                    out.push_str(&u.name);
                    out.push('\t');
                    out.push_str(u.color.as_deref().unwrap_or_default());
                }
                Rule::Word(w) => {
                    out.push_str("w\t");
                    out.push_str(w);
                }
            }
            out.push('\t');
            out.push_str(s.name());
            out.push('\n');
        }
        out
    }

    /// What [`Alerts::encode`] wrote; lines it cannot read are left out.
    pub fn decode(s: &str) -> Alerts {
        let mut a = Alerts::default();
        for line in s.lines() {
            let parts: Vec<&str> = line.split('\t').collect();
            let rule = match parts[..] {
                ["u", name, color, _] => Rule::User(User {
                    name: name.to_owned(),
                    color: (!color.is_empty()).then(|| color.to_owned()),
                }),
                ["w", w, _] => match word(w) {
                    Some(w) => Rule::Word(w),
                    None => continue,
                },
                _ => continue,
            };
            if let Some(sound) = parts.last().and_then(|s| Sound::parse(s)) {
                a.set(rule, Some(sound));
            }
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::tests::comment;

    fn said(name: &str, text: &str) -> Comment {
        let mut c = comment(1, "x");
        c.username = Some(name.into());
        c.color = Some("255100050".into());
        c.text = text.into();
        c
    }

    fn ann() -> Rule {
        Rule::User(User {
            name: "ann".into(),
            color: Some("255100050".into()),
        })
    }

    #[test]
    fn a_match_rings_once_and_marks_its_chip_until_seen() {
        let mut a = Alerts::default();
        a.set(ann(), Some(Sound::Hello));
        a.set(Rule::Word("cat".into()), Some(Sound::Horn));
        assert_eq!(a.heard(&[said("bob", "a dog")], 0), None);
        assert!(!a.is_unread(&ann()));

        let heard = a.heard(&[said("ann", "hi"), said("bob", "my CAT")], 5_000);
        assert_eq!(
            heard,
            Some((Sound::Hello, ann())),
            "one sound for the batch"
        );
        assert!(a.is_unread(&ann()) && a.is_unread(&Rule::Word("cat".into())));
        assert_eq!(
            a.heard(&[said("ann", "again")], 5_500),
            None,
            "quiet within a second"
        );
        assert!(a.heard(&[said("ann", "later")], 6_000).is_some());

        assert!(a.seen(&ann()));
        assert!(!a.is_unread(&ann()) && !a.seen(&ann()));
    }

    #[test]
    fn bots_and_silent_chips_ring_nothing() {
        let mut a = Alerts::default();
        a.set(ann(), Some(Sound::Gamer));
        let mut bot = said("ann", "hi");
        bot.message_type = MessageType::Ai;
        assert_eq!(a.heard(&[bot], 0), None);
        a.set(ann(), None);
        assert_eq!(a.heard(&[said("ann", "hi")], 10_000), None);
        assert_eq!(a.sound_of(&ann()), None);
    }

    #[test]
    fn chips_that_can_ring_are_the_wanted_ones() {
        let mut f = Filters::default();
        f.add_user(User {
            name: "ann".into(),
            color: Some("255100050".into()),
        });
        f.block_user(User {
            name: "troll".into(),
            color: None,
        });
        f.add_word("cat", true);
        f.add_word("spam", false);
        assert_eq!(Rule::of_chip(&f, 0), Some(ann()));
        assert_eq!(Rule::of_chip(&f, 1), None, "a blocked user");
        assert_eq!(Rule::of_chip(&f, 2), Some(Rule::Word("cat".into())));
        assert_eq!(Rule::of_chip(&f, 3), None, "a blocked word");
        assert_eq!(Rule::of_chip(&f, 9), None);
    }

    #[test]
    fn alerts_survive_a_reload() {
        let mut a = Alerts::default();
        a.set(ann(), Some(Sound::Subtle));
        a.set(Rule::Word("cat".into()), Some(Sound::Delightful));
        a.set(
            Rule::User(User {
                name: "".into(),
                color: None,
            }),
            Some(Sound::Horn),
        );
        let back = Alerts::decode(&a.encode());
        assert_eq!(back, a);
        let junk = Alerts::decode("x\ty\nw\tcat\tKazoo\nu\tann\n\n");
        assert_eq!(junk, Alerts::default());
    }
}
