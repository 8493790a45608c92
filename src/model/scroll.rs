//! Where the reader is in the scrolling list, and how to keep them there when rows come and go.

/// Scroll position of the list, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub top: f64,
    pub height: f64,
    pub client: f64,
}

/// Within this distance of the bottom counts as "at the bottom" (sub-pixel rounding, a last
/// row growing by a line).
const BOTTOM_SLACK: f64 = 48.0;
/// Older rows are fetched this far before the reader hits the very top, so scrolling flows.
const TOP_PREFETCH: f64 = 240.0;

impl Metrics {
    pub fn at_bottom(&self) -> bool {
        self.height - self.top - self.client <= BOTTOM_SLACK
    }

    pub fn near_top(&self) -> bool {
        self.top <= TOP_PREFETCH
    }
}

/// A row the reader is looking at, and how far below the top of the view it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub id: String,
    pub offset: f64,
}

/// A rendered row: its id, top and height within the list.
#[derive(Debug, Clone, PartialEq)]
pub struct RowBox {
    pub id: String,
    pub top: f64,
    pub height: f64,
}

impl Anchor {
    /// The first row still visible at `scroll_top`.
    pub fn pick(rows: &[RowBox], scroll_top: f64) -> Option<Anchor> {
        let row = rows.iter().find(|r| r.top + r.height > scroll_top)?;
        Some(Anchor {
            id: row.id.clone(),
            offset: row.top - scroll_top,
        })
    }

    /// The scroll position that shows the anchor row where it was, given where it is now.
    pub fn scroll_top(&self, rows: &[RowBox]) -> Option<f64> {
        rows.iter()
            .find(|r| r.id == self.id)
            .map(|r| (r.top - self.offset).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(spec: &[(&str, f64, f64)]) -> Vec<RowBox> {
        spec.iter()
            .map(|&(id, top, height)| RowBox {
                id: id.into(),
                top,
                height,
            })
            .collect()
    }

    #[test]
    fn bottom_and_top_have_some_slack() {
        let m = |top| Metrics {
            top,
            height: 2000.0,
            client: 500.0,
        };
        assert!(m(1500.0).at_bottom());
        assert!(m(1460.0).at_bottom());
        assert!(!m(1400.0).at_bottom());
        assert!(m(0.0).near_top() && m(200.0).near_top());
        assert!(!m(600.0).near_top());
        let short = Metrics {
            top: 0.0,
            height: 300.0,
            client: 500.0,
        };
        assert!(
            short.at_bottom(),
            "a list shorter than the view is at its bottom"
        );
    }

    #[test]
    fn prepended_rows_do_not_move_what_the_reader_sees() {
        let before = rows(&[("a", 0.0, 50.0), ("b", 50.0, 80.0), ("c", 130.0, 40.0)]);
        // Scrolled 70 px: row b is partly visible, 20 px above the top.
        let a = Anchor::pick(&before, 70.0).unwrap();
        assert_eq!(
            a,
            Anchor {
                id: "b".into(),
                offset: -20.0
            }
        );
        // 300 px of older rows arrive above it.
        let after = rows(&[
            ("x", 0.0, 300.0),
            ("a", 300.0, 50.0),
            ("b", 350.0, 80.0),
            ("c", 430.0, 40.0),
        ]);
        assert_eq!(a.scroll_top(&after), Some(370.0));
    }

    #[test]
    fn an_anchor_that_left_the_window_gives_no_position() {
        let a = Anchor {
            id: "gone".into(),
            offset: 0.0,
        };
        assert_eq!(a.scroll_top(&rows(&[("a", 0.0, 10.0)])), None);
        assert_eq!(Anchor::pick(&[], 0.0), None);
    }
}
