//! The relay design's month (sim/src/relays.rs) at the three scales.

use saywhatwant_sim::relays::{month, Model};

#[test]
fn a_thousand_readers_with_a_fifth_hidden_cost_under_ten_dollars() {
    let m = Model::new(1_000.0, 10.0, 3.0);
    assert!((m.hidden_share - 0.2).abs() < 1e-9);
    let month = month(&m);
    assert!(
        month.total() <= 10.0,
        "{:.2} a month: {month:?}",
        month.total()
    );
    assert!(
        month.log_busy < 0.05 && month.relay_busy < 0.05,
        "{month:?}"
    );
    assert_eq!(month.relays, 3.0, "one relay a region is enough");
}

#[test]
fn ten_thousand_readers_keep_every_object_under_half_busy() {
    let m = Model::new(10_000.0, 1_000.0, 5.0);
    let month = month(&m);
    assert!(
        month.log_busy <= 0.5,
        "the log: {:.0} %",
        month.log_busy * 100.0
    );
    assert!(
        month.relay_busy <= 0.5,
        "a relay: {:.0} %",
        month.relay_busy * 100.0
    );
    // Rounds follow the clock, not the comments: at most one per 100 ms.
    assert!(
        month.rounds_per_s <= 10.0 && month.rounds_per_s > 5.0,
        "{month:?}"
    );
    // The log keeps only its hot rows: far below an object's 10 GB, whatever the month.
    assert!(month.log_gb < 0.1, "{month:?}");
    assert!(month.archive_gb_per_month > 20.0, "{month:?}");
}

#[test]
fn ten_thousand_readers_cost_at_most_a_hundred_dollars() {
    let month = month(&Model::new(10_000.0, 1_000.0, 5.0));
    assert!(
        month.total() <= 100.0,
        "{:.2} a month: {month:?}",
        month.total()
    );
}

#[test]
fn rows_per_comment_and_the_rate_move_the_bill_as_priced() {
    let base = Model::new(10_000.0, 1_000.0, 5.0);
    let five_rows = Model {
        rows_written_per_post: 5.0,
        ..base
    };
    let (five, one) = (month(&five_rows), month(&base));
    // 43.2 M comments a month: four rows less each, at $1 a million.
    let saved = five.total() - one.total();
    assert!((saved - 4.0 * 43.2).abs() < 1.0, "saved {saved:.2}");
    // Rounds as link messages: 1 in 20 billed instead of a request each.
    let requests = month(&Model {
        rounds_over_sockets: false,
        ..base
    });
    assert!(requests.total() > one.total() + 20.0, "{requests:?}");
    let quiet = month(&Model::new(10_000.0, 10.0, 5.0));
    assert!(quiet.total() < five.total());
    assert!(
        quiet.rounds_per_s < 0.34,
        "a round per commit when quiet: {quiet:?}"
    );
}
