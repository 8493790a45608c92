//! The counts in the page's header: comments kept in this browser, and in the whole stream
//! (which every answer and frame carries for free: the cursor `s<n>` stands after the n-th),
//! and how many pages are open on the stream (the live channel's readers online).

/// "1 204 here · 85 310 in all · 12 online"; a count not known yet is left out.
pub fn label(here: Option<u32>, total: Option<u64>, online: Option<u64>) -> String {
    [
        here.map(|n| format!("{} here", group(u64::from(n)))),
        total.map(|n| format!("{} in all", group(n))),
        online.map(|n| format!("{} online", group(n))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// Thousands apart by a thin space, which reads the same in every language.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_is_known() {
        assert_eq!(label(None, None, None), "");
        assert_eq!(label(Some(7), None, None), "7 here");
        assert_eq!(label(None, Some(1_000), None), "1\u{2009}000 in all");
        assert_eq!(
            label(Some(12_345), Some(1_234_567), None),
            "12\u{2009}345 here · 1\u{2009}234\u{2009}567 in all"
        );
        assert_eq!(
            label(Some(999), Some(100_000), None),
            "999 here · 100\u{2009}000 in all"
        );
        assert_eq!(
            label(Some(3), Some(40), Some(1_200)),
            "3 here · 40 in all · 1\u{2009}200 online"
        );
        assert_eq!(label(None, None, Some(1)), "1 online");
    }
}
