//! The counts in the page's header: comments kept in this browser, and in the whole stream
//! (which every answer and frame carries for free: the cursor `s<n>` stands after the n-th).

/// "1 204 here · 85 310 in all"; a count not known yet is left out.
pub fn label(here: Option<u32>, total: Option<u64>) -> String {
    let here = here.map(|n| format!("{} here", group(u64::from(n))));
    let total = total.map(|n| format!("{} in all", group(n)));
    match (here, total) {
        (Some(h), Some(t)) => format!("{h} · {t}"),
        (h, t) => h.or(t).unwrap_or_default(),
    }
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
        assert_eq!(label(None, None), "");
        assert_eq!(label(Some(7), None), "7 here");
        assert_eq!(label(None, Some(1_000)), "1\u{2009}000 in all");
        assert_eq!(
            label(Some(12_345), Some(1_234_567)),
            "12\u{2009}345 here · 1\u{2009}234\u{2009}567 in all"
        );
        assert_eq!(
            label(Some(999), Some(100_000)),
            "999 here · 100\u{2009}000 in all"
        );
    }
}
