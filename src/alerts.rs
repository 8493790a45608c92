//! Filter alerts: a person's or a word's chip can carry a sound; a new comment that matches it
//! plays the sound (at most one a second) and marks the chip until the reader has seen it.
//! Pure rules; `sound` plays, `prefs` remembers them.

use saywhatwant_wire::Comment;

use crate::filter::{fold, word, Filters, User};

/// The original's five sounds, synthesized in the page (no files to download).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sound {
    Delightful,
    Gamer,
    Hello,
    Horn,
    Subtle,
}

/// One tone of a sound: frequency (Hz), start and length (seconds), and its waveform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tone {
    pub hz: f32,
    pub at: f32,
    pub len: f32,
    pub wave: &'static str,
}

const fn tone(hz: f32, at: f32, len: f32, wave: &'static str) -> Tone {
    Tone { hz, at, len, wave }
}

impl Sound {
    pub const ALL: [Sound; 5] = [
        Sound::Delightful,
        Sound::Gamer,
        Sound::Hello,
        Sound::Horn,
        Sound::Subtle,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Sound::Delightful => "Delightful",
            Sound::Gamer => "Gamer",
            Sound::Hello => "Hello",
            Sound::Horn => "Horn",
            Sound::Subtle => "Subtle",
        }
    }

    pub fn parse(s: &str) -> Option<Sound> {
        Sound::ALL.into_iter().find(|x| x.label() == s)
    }

    pub fn tones(self) -> &'static [Tone] {
        match self {
            Sound::Delightful => &DELIGHTFUL,
            Sound::Gamer => &GAMER,
            Sound::Hello => &HELLO,
            Sound::Horn => &HORN,
            Sound::Subtle => &SUBTLE,
        }
    }
}

/// A rising major arpeggio.
const DELIGHTFUL: [Tone; 3] = [
    tone(523.3, 0.0, 0.18, "sine"),
    tone(659.3, 0.09, 0.18, "sine"),
    tone(784.0, 0.18, 0.3, "sine"),
];
/// Two square-wave blips, an octave apart.
const GAMER: [Tone; 2] = [
    tone(440.0, 0.0, 0.08, "square"),
    tone(880.0, 0.09, 0.12, "square"),
];
/// A falling two-note greeting.
const HELLO: [Tone; 2] = [
    tone(880.0, 0.0, 0.16, "triangle"),
    tone(660.0, 0.16, 0.24, "triangle"),
];
const HORN: [Tone; 1] = [tone(233.1, 0.0, 0.45, "sawtooth")];
const SUBTLE: [Tone; 1] = [tone(1318.5, 0.0, 0.12, "sine")];

/// What a chip watches for: a person (and their colour, when the rule has one) or a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watch {
    User(User),
    Word(String),
}

impl Watch {
    /// The chip at place `i` of [`Filters::chips`], when it is a wanted person or word (a
    /// blocked one hides comments: nothing to be alerted to).
    pub fn of_chip(f: &Filters, i: usize) -> Option<Watch> {
        if let Some(u) = f.users.get(i) {
            return Some(Watch::User(u.clone()));
        }
        let i = i.checked_sub(f.users.len() + f.blocked_users.len())?;
        f.words.get(i).cloned().map(Watch::Word)
    }

    pub fn matches(&self, c: &Comment) -> bool {
        match self {
            Watch::User(u) => u.wrote(c),
            Watch::Word(w) => fold(&c.text).contains(w.as_str()),
        }
    }

    /// Whether the reader still has this chip.
    fn is_in(&self, f: &Filters) -> bool {
        match self {
            Watch::User(u) => f.users.contains(u),
            Watch::Word(w) => f.words.contains(w),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alerts {
    rules: Vec<(Watch, Sound)>,
    /// Chips a comment matched since the reader last looked at them.
    unread: Vec<Watch>,
    /// When the last sound played (ms), for the one-a-second rule.
    last: Option<u64>,
}

/// Sounds come at most this often, however many comments match.
pub const GAP_MS: u64 = 1_000;

impl Alerts {
    pub fn sound_of(&self, w: &Watch) -> Option<Sound> {
        self.rules.iter().find(|(x, _)| x == w).map(|(_, s)| *s)
    }

    /// Gives `w` a sound, or none ("Silent").
    pub fn set(&mut self, w: Watch, sound: Option<Sound>) {
        self.rules.retain(|(x, _)| *x != w);
        if let Some(s) = sound {
            self.rules.push((w, s));
        }
    }

    pub fn is_unread(&self, w: &Watch) -> bool {
        self.unread.contains(w)
    }

    /// The reader looked at the chip; true when it was marked.
    pub fn seen(&mut self, w: &Watch) -> bool {
        let before = self.unread.len();
        self.unread.retain(|x| x != w);
        self.unread.len() != before
    }

    /// New comments arrived at `now_ms`: the chips (among `f`'s) with a sound they match are
    /// marked, and the sound to play now comes back, unless one played less than a second ago.
    pub fn on_new<'a>(
        &mut self,
        comments: impl IntoIterator<Item = &'a Comment>,
        f: &Filters,
        now_ms: u64,
    ) -> Option<Sound> {
        let mut play = None;
        for c in comments {
            for (w, s) in &self.rules {
                if w.is_in(f) && w.matches(c) {
                    play = play.or(Some(*s));
                    if !self.unread.contains(w) {
                        self.unread.push(w.clone());
                    }
                }
            }
        }
        let due = self.last.is_none_or(|t| now_ms >= t + GAP_MS);
        let play = play.filter(|_| due)?;
        self.last = Some(now_ms);
        Some(play)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// One rule a line: `sound\tu\tname\tcolour` or `sound\tw\tword` (names and words never hold a
    /// tab or a line break).
    pub fn save(&self) -> String {
        let mut out = String::new();
        for (w, s) in &self.rules {
            let rule = match w {
                Watch::User(u) => format!("u\t{}\t{}", u.name, u.color.as_deref().unwrap_or("")),
                Watch::Word(x) => format!("w\t{x}"),
            };
            out.push_str(&format!("{}\t{rule}\n", s.label()));
        }
        out
    }

    /// What [`Alerts::save`] wrote; lines that do not read are left out.
    pub fn load(saved: &str) -> Alerts {
        let rules = saved
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('\t');
                let sound = Sound::parse(parts.next()?)?;
                let watch = match (parts.next()?, parts.next()?, parts.next()) {
                    ("u", name, Some(color)) => Watch::User(User {
                        name: name.to_owned(),
                        color: Some(color.to_owned()).filter(|c| !c.is_empty()),
                    }),
                    ("w", x, None) => Watch::Word(word(x)?),
                    _ => return None,
                };
                Some((watch, sound))
            })
            .collect();
        Alerts {
            rules,
            ..Alerts::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::tests::comment;

    fn said(name: &str, text: &str) -> Comment {
        let mut c = comment(1, "x");
        c.username = Some(name.into());
        c.color = Some("255000000".into());
        c.text = text.into();
        c
    }

    fn filters() -> Filters {
        let mut f = Filters::default();
        f.add_user(User {
            name: "ann".into(),
            color: Some("255000000".into()),
        });
        f.block_user(User {
            name: "troll".into(),
            color: None,
        });
        f.add_word("cats", true);
        f
    }

    #[test]
    fn chips_name_what_they_watch_and_blocked_ones_watch_nothing() {
        let f = filters();
        assert!(matches!(Watch::of_chip(&f, 0), Some(Watch::User(u)) if u.name == "ann"));
        assert_eq!(Watch::of_chip(&f, 1), None, "a blocked person");
        assert_eq!(Watch::of_chip(&f, 2), Some(Watch::Word("cats".into())));
        assert_eq!(Watch::of_chip(&f, 3), None);
    }

    #[test]
    fn a_match_plays_once_a_second_at_most_and_marks_the_chip_until_seen() {
        let f = filters();
        let ann = Watch::of_chip(&f, 0).unwrap();
        let cats = Watch::of_chip(&f, 2).unwrap();
        let mut a = Alerts::default();
        a.set(ann.clone(), Some(Sound::Horn));
        a.set(cats.clone(), Some(Sound::Subtle));
        assert_eq!(a.on_new([&said("bob", "dogs")], &f, 0), None);
        assert!(!a.is_unread(&ann));
        let batch = [said("ann", "hi"), said("bob", "Cats!")];
        assert_eq!(
            a.on_new(&batch, &f, 10),
            Some(Sound::Horn),
            "one sound a batch"
        );
        assert!(a.is_unread(&ann) && a.is_unread(&cats));
        assert_eq!(a.on_new([&said("ann", "again")], &f, 500), None, "too soon");
        assert_eq!(
            a.on_new([&said("bob", "cats")], &f, 1_010),
            Some(Sound::Subtle)
        );
        assert!(a.seen(&ann));
        assert!(!a.seen(&ann), "already seen");
        assert!(!a.is_unread(&ann) && a.is_unread(&cats));
    }

    #[test]
    fn silent_removes_the_sound_and_a_removed_chip_alerts_no_more() {
        let mut f = filters();
        let cats = Watch::of_chip(&f, 2).unwrap();
        let mut a = Alerts::default();
        a.set(cats.clone(), Some(Sound::Gamer));
        a.set(cats.clone(), Some(Sound::Hello));
        assert_eq!(a.sound_of(&cats), Some(Sound::Hello), "one sound a chip");
        f.remove_at(2);
        assert_eq!(a.on_new([&said("bob", "cats")], &f, 0), None);
        a.set(cats.clone(), None);
        assert!(a.is_empty());
    }

    #[test]
    fn rules_are_saved_and_read_back_and_bad_lines_are_left_out() {
        let f = filters();
        let mut a = Alerts::default();
        a.set(Watch::of_chip(&f, 0).unwrap(), Some(Sound::Delightful));
        a.set(Watch::of_chip(&f, 2).unwrap(), Some(Sound::Subtle));
        a.set(
            Watch::User(User {
                name: "anyone".into(),
                color: None,
            }),
            Some(Sound::Horn),
        );
        let saved = a.save();
        assert_eq!(Alerts::load(&saved), a);
        let with_junk = format!("Loud\tw\tx\nHorn\tq\tx\nHorn\tw\n{saved}Gamer\tw\t \n");
        assert_eq!(Alerts::load(&with_junk), a);
        for s in Sound::ALL {
            assert_eq!(Sound::parse(s.label()), Some(s));
            assert!(!s.tones().is_empty());
        }
    }
}
