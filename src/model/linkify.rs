//! Splits a comment's text into plain text, web links and shared videos.
//!
//! Only `http://`, `https://` and `www.` addresses become links, so a comment can never make
//! a `javascript:` or `data:` link; `[video:<key>]` (a key of letters, digits, `-`, `_`) is a
//! video shared from the drawer. Everything else stays text and is rendered as text.

use crate::model::video::video_ref;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Link {
        href: String,
        label: String,
    },
    /// A shared video, by its manifest key.
    Video(String),
}

pub fn split(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some((key, len)) = video_ref(rest) {
            if plain_from < i {
                out.push(Segment::Text(text[plain_from..i].to_owned()));
            }
            out.push(Segment::Video(key.to_owned()));
            i += len;
            plain_from = i;
            continue;
        }
        let starts_word = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let scheme = ["https://", "http://", "www."]
            .into_iter()
            .find(|p| starts_word && starts_with_ignore_case(rest, p));
        let Some(scheme) = scheme else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let len = link_len(rest);
        if len <= scheme.len() {
            i += scheme.len();
            continue;
        }
        if plain_from < i {
            out.push(Segment::Text(text[plain_from..i].to_owned()));
        }
        let label = &rest[..len];
        let href = if scheme == "www." {
            format!("https://{label}")
        } else {
            label.to_owned()
        };
        out.push(Segment::Link {
            href,
            label: label.to_owned(),
        });
        i += len;
        plain_from = i;
    }
    if plain_from < text.len() {
        out.push(Segment::Text(text[plain_from..].to_owned()));
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The length of the URL at the start of `s`: up to whitespace or a character that cannot be
/// in a URL, without trailing punctuation that belongs to the sentence, and without a closing
/// bracket that has no opening one inside the URL ("(see https://x.org/a)").
fn link_len(s: &str) -> usize {
    let end = s
        .find(|c: char| c.is_whitespace() || c.is_control() || "<>\"`{}|\\^".contains(c))
        .unwrap_or(s.len());
    let mut url = &s[..end];
    while let Some(last) = url.chars().next_back() {
        let unbalanced = |open: char| url.matches(open).count() < url.matches(last).count();
        let trim = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' => true,
            ')' => unbalanced('('),
            ']' => unbalanced('['),
            _ => false,
        };
        if !trim {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    url.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }

    fn link(href: &str, label: &str) -> Segment {
        Segment::Link {
            href: href.into(),
            label: label.into(),
        }
    }

    #[test]
    fn shared_videos_are_found_among_text_and_links() {
        assert_eq!(
            split("[video:dawn] look https://x.io [video:bad key]"),
            [
                Segment::Video("dawn".into()),
                text(" look "),
                link("https://x.io", "https://x.io"),
                text(" [video:bad key]"),
            ]
        );
    }

    #[test]
    fn plain_text_stays_one_segment() {
        assert_eq!(split("hello there"), [text("hello there")]);
        assert_eq!(split(""), Vec::<Segment>::new());
    }

    #[test]
    fn finds_links_among_text() {
        assert_eq!(
            split("see https://example.org/a?b=1#c and http://x.io"),
            [
                text("see "),
                link("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
                text(" and "),
                link("http://x.io", "http://x.io"),
            ]
        );
    }

    #[test]
    fn www_gets_https() {
        assert_eq!(
            split("www.rust-lang.org"),
            [link("https://www.rust-lang.org", "www.rust-lang.org")]
        );
    }

    #[test]
    fn sentence_punctuation_and_unbalanced_brackets_stay_outside() {
        assert_eq!(
            split("(see https://x.org/a_(b)), ok."),
            [
                text("(see "),
                link("https://x.org/a_(b)", "https://x.org/a_(b)"),
                text("), ok.")
            ]
        );
        assert_eq!(
            split("go to https://x.org!"),
            [
                text("go to "),
                link("https://x.org", "https://x.org"),
                text("!")
            ]
        );
    }

    #[test]
    fn other_schemes_and_html_are_text() {
        for s in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "<a href=\"x\">y</a>",
            "ftp://x.org",
        ] {
            assert_eq!(split(s), [text(s)], "{s}");
        }
        // A link ends where markup would start.
        assert_eq!(
            split("https://x.org/<script>"),
            [link("https://x.org/", "https://x.org/"), text("<script>")]
        );
    }

    #[test]
    fn a_bare_scheme_or_mid_word_match_is_not_a_link() {
        assert_eq!(split("https:// nothing"), [text("https:// nothing")]);
        assert_eq!(split("awww.x"), [text("awww.x")]);
        assert_eq!(
            split("HTTPS://X.ORG"),
            [link("HTTPS://X.ORG", "HTTPS://X.ORG")]
        );
    }

    #[test]
    fn multibyte_text_around_links_is_kept_whole() {
        assert_eq!(
            split("ünï https://x.org/é 😀"),
            [
                text("ünï "),
                link("https://x.org/é", "https://x.org/é"),
                text(" 😀")
            ]
        );
    }
}
