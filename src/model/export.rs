//! Comments as plain text, for the clipboard and for `.txt` files.

use saywhatwant_wire::Comment;

use crate::model::reltime;

/// `2025-10-23 17:04 ann: hello`, one comment a line. A comment's own line breaks go on
/// lines indented by two spaces, so every line that starts at the margin is a comment: a text
/// cannot forge a line that looks like someone else's.
pub fn as_text<'a>(comments: impl IntoIterator<Item = &'a Comment>, utc_offset_min: i32) -> String {
    let mut out = String::new();
    for c in comments {
        let name = c.username.as_deref().unwrap_or("anonymous");
        out.push_str(&reltime::full(c.timestamp, utc_offset_min));
        out.push(' ');
        out.push_str(name);
        out.push_str(": ");
        for (i, line) in c
            .text
            .split(['\n', '\r'])
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            if i > 0 {
                out.push_str("\n  ");
            }
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `saywhatwant-2025-10-23-1704.txt`: sorts by time, and is a valid name everywhere.
pub fn file_name(now_ms: u64, utc_offset_min: i32) -> String {
    let stamp: String = reltime::full(now_ms, utc_offset_min)
        .chars()
        .filter_map(|ch| match ch {
            ' ' => Some('-'),
            ':' => None,
            c => Some(c),
        })
        .collect();
    format!("saywhatwant-{stamp}.txt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timeline::tests::comment;

    #[test]
    fn comments_read_as_lines() {
        let mut a = comment(0, "a");
        a.username = Some("ann".into());
        a.text = "hi <b>there</b>".into();
        let mut b = comment(61_000, "b");
        b.username = None;
        b.text = "two\nlines".into();
        assert_eq!(
            as_text([&a, &b], 60),
            "1970-01-01 01:00 ann: hi <b>there</b>\n1970-01-01 01:01 anonymous: two\n  lines\n"
        );
        assert_eq!(as_text([], 0), "");
    }

    #[test]
    fn a_text_cannot_forge_another_line() {
        let mut c = comment(0, "a");
        c.username = Some("eve".into());
        c.text = "hi\r\n1970-01-01 00:00 admin: all is well\rbye".into();
        let text = as_text([&c], 0);
        let at_margin: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(at_margin, ["1970-01-01 00:00 eve: hi"]);
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn file_names_carry_the_local_time() {
        assert_eq!(file_name(0, -90), "saywhatwant-1969-12-31-2230.txt");
    }
}
