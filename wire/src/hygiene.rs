//! Character rules for what people type: names and sites must show what they are, and a text
//! must show something at all.
//!
//! A name made of zero-width characters looks like nobody; a right-to-left override in a name
//! reverses the row next to it; NUL and other controls break exports and logs. Texts may keep
//! line breaks and tabs (messages have paragraphs) but no other controls.

/// Characters that change the direction of the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space or show nothing on their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Line and paragraph separators: not controls to Unicode, but line breaks to every text view
/// and export, so in a name they would forge a line.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether a name-like field (username, domain) holds a character that hides or reorders it.
pub fn has_hidden_characters(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c) || is_line_separator(c))
}

/// Whether a text holds a control other than a line break or tab.
pub fn has_stray_controls(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Whether anything in `s` would show on screen.
pub fn has_visible(s: &str) -> bool {
    s.chars()
        .any(|c| !c.is_whitespace() && !c.is_control() && !is_bidi_control(c) && !is_invisible(c))
}

/// The host of an `Origin` header (`https://example.org:8443` → `example.org`), when it is a
/// plausible host name: ASCII letters, digits, `.` and `-`, at most 128 characters.
/// Anything else is no domain at all (the comment's domain is then `unknown`).
pub fn origin_host(origin: &str) -> Option<String> {
    let rest = origin.split_once("://")?.1;
    let host = rest.split(['/', ':']).next()?;
    let ok = !host.is_empty()
        && host.len() <= 128
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    ok.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_hide_or_reorder_are_caught() {
        for bad in [
            "a\u{0}b",
            "new\nline",
            "\u{202E}evil",
            "ab\u{2066}",
            "\u{200B}",
            "x\u{FEFF}",
            "\u{3164}",
            "\u{206A}\u{206F}",
            "\u{1D173}\u{1D17A}",
            "\u{E0100}\u{E01EF}",
            "\u{1BCA0}\u{1BCA3}",
            "two\u{2028}lines",
            "two\u{2029}paragraphs",
        ] {
            assert!(has_hidden_characters(bad), "{bad:?}");
        }
        for good in ["Zoë", "日本語", "a b", "😀", "O'Brien"] {
            assert!(!has_hidden_characters(good), "{good:?}");
        }
    }

    #[test]
    fn texts_need_something_visible_and_keep_line_breaks() {
        assert!(!has_visible("\u{200B}\u{200C} \u{FEFF}\t\n"));
        assert!(!has_visible("\u{202E}\u{3164}"));
        for hidden in [
            "\u{206A}\u{206F}",
            "\u{1D173}\u{1D17A}",
            "\u{E0100}\u{E01EF}",
            "\u{1BCA0}\u{1BCA3}",
        ] {
            assert!(!has_visible(hidden), "{hidden:?}");
        }
        assert!(has_visible("\u{200B}x"));
        assert!(has_visible("👍🏽"));
        assert!(!has_stray_controls("line one\nline two\r\n\tindented"));
        assert!(has_stray_controls("nul\u{0}"));
        assert!(has_stray_controls("bell\u{7}"));
    }

    #[test]
    fn origin_hosts_are_checked_like_a_domain() {
        assert_eq!(
            origin_host("https://Example.org:8443").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            origin_host("http://localhost").as_deref(),
            Some("localhost")
        );
        let long = format!("https://{}.example", "a".repeat(4096));
        for bad in [
            "null",
            "https://",
            "https://exa mple.org",
            &long,
            "https://<b>",
        ] {
            assert_eq!(origin_host(bad), None, "{bad}");
        }
    }
}
