//! The video drawer's rules: the manifest's videos, which one plays next, the drawer's
//! settings as the browser keeps them, and the `[video:<key>]` a shared video is in a comment.
//!
//! Percentages are whole numbers: a float is never formatted in the page (docs/app.md, size),
//! and CSS takes `opacity: 35%` and `brightness(45%)` as they are.

/// One video of the manifest (`{"videos": [{"key", "url"}]}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub key: String,
    pub url: String,
}

/// How the colour overlay mixes with the video (CSS `mix-blend-mode`), the original's list;
/// the first is the default.
pub const BLENDS: [&str; 16] = [
    "hue",
    "normal",
    "multiply",
    "screen",
    "overlay",
    "darken",
    "lighten",
    "color-dodge",
    "color-burn",
    "hard-light",
    "soft-light",
    "difference",
    "exclusion",
    "saturation",
    "color",
    "luminosity",
];

/// What the drawer remembers between visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawer {
    pub open: bool,
    /// One video over and over, instead of a random one after each.
    pub looped: bool,
    /// The reader's colour over the video.
    pub overlay: bool,
    /// The overlay's opacity, percent.
    pub opacity: u32,
    /// An index into [`BLENDS`].
    pub blend: usize,
    /// The video's brightness, percent (the original's 0.45).
    pub brightness: u32,
}

impl Default for Drawer {
    fn default() -> Self {
        Drawer {
            open: false,
            looped: false,
            overlay: true,
            opacity: 35,
            blend: 0,
            brightness: 45,
        }
    }
}

pub const MAX_BRIGHTNESS: u32 = 150;

impl Drawer {
    pub fn blend_mode(&self) -> &'static str {
        BLENDS.get(self.blend).copied().unwrap_or(BLENDS[0])
    }

    /// Six numbers, `open loop overlay opacity blend brightness`, for localStorage.
    pub fn encode(&self) -> String {
        [
            u32::from(self.open),
            u32::from(self.looped),
            u32::from(self.overlay),
            self.opacity,
            self.blend as u32,
            self.brightness,
        ]
        .map(|n| n.to_string())
        .join(" ")
    }

    /// What [`Drawer::encode`] wrote; the defaults for anything missing or out of range.
    pub fn decode(s: &str) -> Drawer {
        let n: Vec<u32> = s.split(' ').filter_map(|x| x.parse().ok()).collect();
        let d = Drawer::default();
        let [open, looped, overlay, opacity, blend, brightness] = n[..] else {
            return d;
        };
        Drawer {
            open: open == 1,
            looped: looped == 1,
            overlay: overlay == 1,
            opacity: if opacity <= 100 { opacity } else { d.opacity },
            blend: if (blend as usize) < BLENDS.len() {
                blend as usize
            } else {
                d.blend
            },
            brightness: if (1..=MAX_BRIGHTNESS).contains(&brightness) {
                brightness
            } else {
                d.brightness
            },
        }
    }
}

/// The video to play after `now`: a random one (`random` in `[0, 1)`), never the same one
/// twice in a row when there are others.
pub fn next(count: usize, now: Option<usize>, random: f64) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let others = if now.is_some() && count > 1 {
        count - 1
    } else {
        count
    };
    let pick = ((random * others as f64) as usize).min(others - 1);
    Some(match now {
        Some(n) if count > 1 && pick >= n => pick + 1,
        _ => pick,
    })
}

/// A key as a comment may carry it: 1 to 64 letters, digits, `-` or `_`.
pub fn is_key(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What "Share this video" puts into the message box.
pub fn share_text(key: &str) -> String {
    format!("[video:{key}] ")
}

/// The key of the `[video:<key>]` at the start of `s`, and its length.
pub fn video_ref(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("[video:")?;
    let end = rest.find(']')?;
    let key = &rest[..end];
    is_key(key).then_some((key, "[video:".len() + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_video_is_random_and_never_the_same_twice() {
        assert_eq!(next(0, None, 0.5), None);
        assert_eq!(next(1, Some(0), 0.9), Some(0), "one video loops by itself");
        assert_eq!(next(3, None, 0.99), Some(2));
        for r in [0.0, 0.3, 0.5, 0.7, 0.999] {
            for now in 0..4 {
                let n = next(4, Some(now), r).unwrap_or(now);
                assert!(n < 4 && n != now, "{r} after {now} gave {n}");
            }
        }
        let all: std::collections::HashSet<_> = [0.0, 0.4, 0.9]
            .iter()
            .filter_map(|&r| next(4, Some(0), r))
            .collect();
        assert_eq!(all.len(), 3, "every other video can come next");
    }

    #[test]
    fn settings_survive_a_reload_and_junk_gives_the_defaults() {
        let d = Drawer {
            open: true,
            looped: true,
            overlay: false,
            opacity: 80,
            blend: 4,
            brightness: 120,
        };
        assert_eq!(Drawer::decode(&d.encode()), d);
        assert_eq!(d.blend_mode(), "overlay");
        assert_eq!(Drawer::decode(""), Drawer::default());
        assert_eq!(Drawer::decode("1 0 1 500 99 0").opacity, 35);
        assert_eq!(Drawer::decode("1 0 1 500 99 0").blend_mode(), "hue");
        assert_eq!(Drawer::decode("1 0 1 500 99 0").brightness, 45);
        assert!(Drawer::decode("1 0 1 500 99 0").open);
    }

    #[test]
    fn a_shared_video_is_a_key_in_brackets() {
        assert_eq!(share_text("dawn-1"), "[video:dawn-1] ");
        assert_eq!(video_ref("[video:dawn-1] hi"), Some(("dawn-1", 14)));
        assert_eq!(video_ref("[video:] hi"), None);
        assert_eq!(video_ref("[video:a b]"), None);
        assert_eq!(video_ref("[video:<script>]"), None);
        assert_eq!(video_ref("[video:open"), None);
        assert_eq!(video_ref("video:x]"), None);
    }
}
