//! Username colours: the wire's `RRRGGGBBB`, the picker's `#rrggbb`, and what is shown.
//!
//! People pick any colour, but the page is dark: a colour is shown lightened just enough to be
//! readable on the background (WCAG contrast 4.5:1), while the stored choice stays as picked.

use saywhatwant_wire::is_valid_color;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// The page background (`--bg` in style/main.css).
pub const BACKGROUND: Rgb = Rgb {
    r: 0x12,
    g: 0x14,
    b: 0x1a,
};
/// Shown for comments without a (valid) colour.
pub const FALLBACK: Rgb = Rgb {
    r: 170,
    g: 178,
    b: 192,
};
const MIN_CONTRAST: f64 = 4.5;

impl Rgb {
    /// Reads `RRRGGGBBB`; anything else is `None`.
    pub fn from_wire(s: &str) -> Option<Rgb> {
        if !is_valid_color(s) {
            return None;
        }
        let ch = |i: usize| s[i * 3..i * 3 + 3].parse::<u8>().ok();
        Some(Rgb {
            r: ch(0)?,
            g: ch(1)?,
            b: ch(2)?,
        })
    }

    pub fn to_wire(self) -> String {
        format!("{:03}{:03}{:03}", self.r, self.g, self.b)
    }

    /// Reads what the original app stored (`sww-color`, its records): `RRRGGGBBB` or
    /// `rgb(r, g, b)`; anything else is `None`.
    pub fn from_legacy(s: &str) -> Option<Rgb> {
        let s = s.trim();
        if let Some(c) = Rgb::from_wire(s) {
            return Some(c);
        }
        let inner = s.strip_prefix("rgb(")?.strip_suffix(')')?;
        let mut parts = inner.split(',').map(|p| p.trim().parse::<u8>().ok());
        let c = Rgb {
            r: parts.next()??,
            g: parts.next()??,
            b: parts.next()??,
        };
        parts.next().is_none().then_some(c)
    }

    /// Reads `#rrggbb`, what `<input type=color>` gives.
    pub fn from_hex(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let ch = |i: usize| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok();
        Some(Rgb {
            r: ch(0)?,
            g: ch(1)?,
            b: ch(2)?,
        })
    }

    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    pub fn css(self) -> String {
        format!("rgb({}, {}, {})", self.r, self.g, self.b)
    }

    /// WCAG relative luminance, with the exponent 2.4 taken as 2.5 (`x² · √x`): no `powf`,
    /// whose code alone is over a kilobyte of wasm. The result is a little lower than exact,
    /// which can only lighten a colour a little more than strictly needed.
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                let x = (c + 0.055) / 1.055;
                x * x * x.sqrt()
            }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    fn mix_white(self, t: f64) -> Rgb {
        let m = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Rgb {
            r: m(self.r),
            g: m(self.g),
            b: m(self.b),
        }
    }

    /// This colour, lightened (keeping its hue) until it reads well on the page background.
    pub fn readable(self) -> Rgb {
        if self.contrast(BACKGROUND) >= MIN_CONTRAST {
            return self;
        }
        // Mixing with white only raises contrast, so bisect on the amount.
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..16 {
            let mid = (lo + hi) / 2.0;
            if self.mix_white(mid).contrast(BACKGROUND) >= MIN_CONTRAST {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        self.mix_white(hi)
    }

    /// A pleasant colour from a random number in `[0, 1)`: any hue, fairly saturated, light
    /// enough for the dark page.
    pub fn pleasant(random: f64) -> Rgb {
        hsl(random.clamp(0.0, 1.0) * 360.0, 0.65, 0.62).readable()
    }
}

/// How many colours the colour grid offers at a time.
pub const SWATCHES: usize = 12;

/// The colour grid's offer: [`SWATCHES`] pleasant colours with hues spread evenly around the
/// wheel from a random start, in a random order (`random` gives numbers in `[0, 1)`), so each
/// opening is fresh and no two are alike.
pub fn swatches(mut random: impl FnMut() -> f64) -> Vec<Rgb> {
    let start = random();
    let mut out: Vec<Rgb> = (0..SWATCHES)
        .map(|i| Rgb::pleasant((i as f64 + start) / SWATCHES as f64))
        .collect();
    for i in (1..out.len()).rev() {
        let j = ((random() * (i + 1) as f64) as usize).min(i);
        out.swap(i, j);
    }
    out
}

/// What a comment's username is shown in.
pub fn display_css(wire: Option<&str>) -> String {
    wire.and_then(Rgb::from_wire)
        .unwrap_or(FALLBACK)
        .readable()
        .css()
}

/// `h` in degrees, `[0, 360]`. (`%` on floats is left out on purpose: in wasm it brings a
/// software `fmod` with 128-bit division, a kilobyte and a half for one colour on first visit.)
fn hsl(h: f64, s: f64, l: f64) -> Rgb {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = if h >= 360.0 { h - 360.0 } else { h } / 60.0;
    let x = c * (1.0 - (hp - 2.0 * (hp / 2.0).floor() - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let ch = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb {
        r: ch(r),
        g: ch(g),
        b: ch(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_and_hex_round_trip() {
        let c = Rgb::from_wire("255000128").unwrap();
        assert_eq!(
            c,
            Rgb {
                r: 255,
                g: 0,
                b: 128
            }
        );
        assert_eq!(c.to_wire(), "255000128");
        assert_eq!(c.to_hex(), "#ff0080");
        assert_eq!(Rgb::from_hex("#FF0080"), Some(c));
        assert_eq!(Rgb::from_wire("007008009").unwrap().to_wire(), "007008009");
    }

    #[test]
    fn rejects_malformed_colours() {
        for bad in ["", "256000000", "12345678", "abcdefghi", "+12345678"] {
            assert_eq!(Rgb::from_wire(bad), None, "{bad}");
        }
        for bad in ["ff0080", "#ff008", "#gg0080", "#ff00800"] {
            assert_eq!(Rgb::from_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn dark_colours_are_lightened_until_readable() {
        let navy = Rgb { r: 0, g: 0, b: 90 };
        let shown = navy.readable();
        assert!(shown.contrast(BACKGROUND) >= MIN_CONTRAST);
        assert!(
            shown.contrast(BACKGROUND) < MIN_CONTRAST + 0.2,
            "lightened no more than needed"
        );
        assert!(
            shown.b > shown.r && shown.b > shown.g,
            "still blue: {shown:?}"
        );
        let black = Rgb { r: 0, g: 0, b: 0 }.readable();
        assert!(black.contrast(BACKGROUND) >= MIN_CONTRAST);
    }

    #[test]
    fn luminance_never_exceeds_the_exact_wcag_value() {
        for v in (0..=255u8).step_by(5) {
            let c = Rgb { r: v, g: v, b: v };
            let x = f64::from(v) / 255.0;
            let exact = if x <= 0.039_28 {
                x / 12.92
            } else {
                ((x + 0.055) / 1.055).powf(2.4)
            };
            assert!(c.luminance() <= exact + 1e-12, "{v}");
            assert!(exact - c.luminance() < 0.03, "{v}: close to exact");
        }
    }

    #[test]
    fn light_colours_are_shown_as_picked() {
        let gold = Rgb {
            r: 250,
            g: 200,
            b: 60,
        };
        assert_eq!(gold.readable(), gold);
    }

    #[test]
    fn legacy_colours_convert() {
        let c = Rgb {
            r: 255,
            g: 100,
            b: 7,
        };
        assert_eq!(Rgb::from_legacy("rgb(255, 100, 7)"), Some(c));
        assert_eq!(Rgb::from_legacy(" rgb(255,100,7) "), Some(c));
        assert_eq!(Rgb::from_legacy("255100007"), Some(c));
        assert_eq!(
            Rgb::from_legacy("255100007").map(Rgb::to_wire).as_deref(),
            Some("255100007")
        );
        for bad in [
            "rgb(256, 0, 0)",
            "rgb(1, 2)",
            "rgb(1, 2, 3, 4)",
            "rgba(1, 2, 3)",
            "red",
            "",
        ] {
            assert_eq!(Rgb::from_legacy(bad), None, "{bad}");
        }
    }

    #[test]
    fn missing_or_bad_colours_fall_back() {
        assert_eq!(display_css(None), FALLBACK.css());
        assert_eq!(display_css(Some("red")), FALLBACK.css());
        assert_eq!(display_css(Some("250200060")), "rgb(250, 200, 60)");
    }

    #[test]
    fn pleasant_colours_are_readable_and_vary() {
        let picks: Vec<Rgb> = (0..12)
            .map(|i| Rgb::pleasant(f64::from(i) / 12.0))
            .collect();
        for c in &picks {
            assert!(c.contrast(BACKGROUND) >= MIN_CONTRAST, "{c:?}");
            assert!(Rgb::from_wire(&c.to_wire()).is_some());
        }
        let distinct: std::collections::HashSet<_> = picks.iter().map(|c| c.to_hex()).collect();
        assert_eq!(distinct.len(), 12);
        assert_eq!(
            Rgb::pleasant(0.0),
            Rgb::pleasant(1.0),
            "the hue wraps around"
        );
    }

    #[test]
    fn the_grid_offers_twelve_readable_colours_all_different() {
        let mut seq = [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.99, 0.0, 0.4, 0.6, 0.8, 0.25]
            .into_iter()
            .cycle();
        let grid = swatches(|| seq.next().unwrap_or(0.5));
        assert_eq!(grid.len(), SWATCHES);
        for (i, a) in grid.iter().enumerate() {
            assert!(
                a.contrast(BACKGROUND) >= MIN_CONTRAST,
                "{a:?} must read on the page"
            );
            assert!(grid[i + 1..].iter().all(|b| b != a), "{a:?} twice");
        }
        let mut other = [0.7, 0.1].into_iter().cycle();
        assert_ne!(
            grid,
            swatches(|| other.next().unwrap_or(0.5)),
            "another opening, another grid"
        );
    }
}
