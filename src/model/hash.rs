//! The view in the URL's hash, so a shared link shows the same view and back/forward work:
//!
//! `#u=name:RRRGGGBBB+name2&-u=troll:RRRGGGBBB&word=a+b&-word=x+y&filteractive=false&mt=AI`
//! and `uis=name:RRRGGGBBB` (sets one's own name and colour). Parts are percent-encoded; `+`
//! separates the items of one key. A value that does not parse is left out, never an error:
//! a hand-edited or truncated link still opens.

use saywhatwant_wire::is_valid_color;

use crate::model::filter::{word, Channel, Filters, Lens, User};

/// What a hash says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HashView {
    pub channel: Channel,
    pub filters: Filters,
    /// `uis`: who the reader says they are.
    pub identity: Option<User>,
    /// `uis=name:random`: a fresh pleasant colour with that name.
    pub random_color: bool,
}

impl HashView {
    pub fn of(lens: &Lens) -> Self {
        HashView {
            channel: lens.channel,
            filters: lens.filters.clone(),
            identity: None,
            random_color: false,
        }
    }
}

pub fn parse(hash: &str) -> HashView {
    let mut v = HashView::default();
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    for pair in hash.split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let items = value.split('+').filter_map(decode);
        match key {
            "u" => v.filters.users.extend(items.filter_map(|i| user(&i))),
            "-u" => v
                .filters
                .blocked_users
                .extend(items.filter_map(|i| user(&i))),
            "word" => v.filters.words.extend(items.filter_map(|i| word(&i))),
            "-word" => v
                .filters
                .blocked_words
                .extend(items.filter_map(|i| word(&i))),
            "filteractive" => match value {
                "true" => v.filters.active = true,
                "false" => v.filters.active = false,
                _ => {}
            },
            "mt" => v.channel = Channel::parse(value).unwrap_or(v.channel),
            "uis" => {
                for item in items {
                    let random = item.to_ascii_lowercase().ends_with(":random");
                    let me = match random {
                        true => user(&item[..item.len() - 7]),
                        false => user(&item),
                    };
                    if me.is_some() {
                        (v.identity, v.random_color) = (me, random);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    v
}

/// The hash for a view (without `uis`, which is applied once and not kept); empty for the
/// default view.
pub fn format(v: &HashView) -> String {
    let f = &v.filters;
    let mut parts: Vec<String> = Vec::new();
    let users = |list: &[User]| list.iter().map(user_item).collect::<Vec<_>>();
    let words = |list: &[String]| list.iter().map(|w| encode(w)).collect::<Vec<_>>();
    for (key, items) in [
        ("u", users(&f.users)),
        ("-u", users(&f.blocked_users)),
        ("word", words(&f.words)),
        ("-word", words(&f.blocked_words)),
    ] {
        if !items.is_empty() {
            parts.push(format!("{key}={}", items.join("+")));
        }
    }
    if !f.active && !f.is_empty() {
        parts.push("filteractive=false".into());
    }
    if v.channel != Channel::All {
        parts.push(format!("mt={}", v.channel.as_str()));
    }
    parts.join("&")
}

fn user_item(u: &User) -> String {
    match &u.color {
        Some(c) => format!("{}:{c}", encode(&u.name)),
        None => encode(&u.name),
    }
}

/// `name` or `name:RRRGGGBBB` (already decoded; a `:` inside a name was encoded, so the last
/// one separates the colour).
fn user(item: &str) -> Option<User> {
    let (name, color) = match item.rsplit_once(':') {
        Some((name, c)) if is_valid_color(c) => (name, Some(c.to_owned())),
        Some(_) => return None,
        None => (item, None),
    };
    let name = name.trim();
    (name.chars().count() <= saywhatwant_wire::MAX_USERNAME_CHARS).then(|| User {
        name: name.to_owned(),
        color,
    })
}

/// Percent-encodes all but unreserved ASCII (so `+`, `&`, `=`, `:` and `#` never break a part).
/// In the page the browser's `encodeURIComponent` does it (the same set, minus `!'()*`, which
/// break nothing here); natively this, which the tests check.
pub fn encode(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::encode_uri_component(s).into();
    #[cfg(not(target_arch = "wasm32"))]
    encode_here(s)
}

/// `None` for a broken escape or bytes that are not UTF-8 (`decodeURIComponent` in the page).
pub fn decode(s: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return js_sys::decode_uri_component(s).ok().map(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    decode_here(s)
}

#[cfg(not(target_arch = "wasm32"))]
fn encode_here(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
fn decode_here(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_of(name: &str, color: Option<&str>) -> User {
        User {
            name: name.into(),
            color: color.map(Into::into),
        }
    }

    #[test]
    fn the_original_links_parse() {
        let v = parse("#u=ann:255000000+bob&word=cat+Dog&-word=spam&filteractive=false&mt=AI");
        assert_eq!(
            v.filters.users,
            [user_of("ann", Some("255000000")), user_of("bob", None)]
        );
        assert_eq!(v.filters.words, ["cat", "dog"]);
        assert_eq!(v.filters.blocked_words, ["spam"]);
        assert!(!v.filters.active);
        assert_eq!(v.channel, Channel::Ai);
        assert_eq!(parse("mt=human").channel, Channel::Human);
        assert_eq!(parse("mt=ALL").channel, Channel::All);
    }

    #[test]
    fn uis_sets_an_identity() {
        let v = parse("#uis=Me%20Too:000128255");
        assert_eq!(v.identity, Some(user_of("Me Too", Some("000128255"))));
        assert_eq!(parse("#uis=me:999999999").identity, None);
        let v = parse("#uis=Me:random&entity=e");
        assert_eq!(v.identity, Some(user_of("Me", None)));
        assert!(v.random_color);
        assert!(!parse("#uis=Me:000128255").random_color);
    }

    #[test]
    fn bad_values_are_left_out() {
        for bad in [
            "#u=ann:red",
            "#u=%ZZ",
            "#u=%E2%28",
            "#mt=robots",
            "#filteractive=maybe",
            "#word=...",
            "#=&&&x",
            "#u=seventeen_chars_x",
            "%",
            "",
        ] {
            let v = parse(bad);
            assert!(v.filters.is_empty(), "{bad}");
            assert!(v.filters.active && v.channel == Channel::All, "{bad}");
        }
        let v = parse("#u=ann:red+bob&mt=robots&word=ok");
        assert_eq!(v.filters.users, [user_of("bob", None)]);
        assert_eq!(v.filters.words, ["ok"]);
    }

    #[test]
    fn format_and_parse_round_trip() {
        let mut v = HashView {
            channel: Channel::Human,
            ..HashView::default()
        };
        v.filters
            .add_user(user_of("a+b&c=d:e #f", Some("001002003")));
        v.filters.add_user(user_of("ümlaut", None));
        v.filters.block_user(user_of("troll", Some("010010010")));
        v.filters.add_word("café", true);
        v.filters.add_word("x", false);
        v.filters.active = false;
        let h = format(&v);
        assert!(!h.contains(' ') && !h.contains('#'), "{h}");
        assert_eq!(parse(&h), v);
        assert_eq!(parse(&format!("#{h}")), v);
        let talk =
            crate::model::conversation::Conversation::parse("entity=e1&ais=A%20B:random&nom=ALL")
                .unwrap();
        let both = format!("{h}&{}", talk.hash_parts().join("&"));
        assert_eq!(parse(&both), v, "conversation keys are not view keys");
        let again = crate::model::conversation::Conversation::parse(&both);
        assert_eq!(again, Some(talk));
    }

    #[test]
    fn the_default_view_is_an_empty_hash() {
        assert_eq!(format(&HashView::default()), "");
        let mut v = HashView::default();
        v.filters.active = false;
        assert_eq!(format(&v), "", "off without filters says nothing");
    }
}
