//! The claim the simulation exists for, on a small fixed-seed scenario: under Workers KV's
//! documented lag and with slow uploads, the old KV design loses comments, and the comment log
//! delivers every comment to every reader exactly once, in log order.

use saywhatwant_sim::{run, Lag, Outcome, Scenario, SimError, Work, Workload};

fn small() -> Scenario {
    Scenario {
        seed: 42,
        locations: 5,
        readers_per_location: 2,
        posts_per_minute: 30.0,
        posting_ms: 60_000,
        slow_upload_share: 0.2,
        lag: Lag::DOCUMENTED,
        ..Scenario::default()
    }
}

fn assert_exact(new: &Outcome) {
    assert!(new.posted > 0, "the workload posted nothing");
    assert_eq!(new.missed, 0, "the log lost deliveries");
    assert_eq!(new.duplicated, 0, "the log delivered something twice");
    assert_eq!(new.out_of_order, 0);
    // Stronger than the counts: each reader saw exactly s1, s2, …, s<posted>.
    let log_order: Vec<u64> = (1..=new.posted as u64).collect();
    assert_eq!(new.received.len(), new.readers);
    for (reader, got) in new.received.iter().enumerate() {
        assert_eq!(*got, log_order, "reader {reader}");
    }
}

#[test]
fn the_kv_design_loses_comments_and_the_log_does_not() -> Result<(), SimError> {
    let s = small();
    let (old, new) = run(&s)?;
    // Same workload, and every post accepted by both.
    let posts = Workload::generate(&s).posts.len();
    assert_eq!((old.posted, new.posted), (posts, posts));
    assert_eq!(old.readers, 10);
    assert!(
        old.missed > 0,
        "expected the KV design to miss comments: {old:?}"
    );
    assert!(old.missed_slow > 0, "slow uploads should be among them");
    assert_exact(&new);
    let Work::Log { rows_read, .. } = new.work else {
        panic!("the log reports log work");
    };
    // Polls are answered from the in-memory tail: only opening the log and each insert's
    // UNIQUE check read a row.
    assert!(
        rows_read <= 1 + new.posted as u64,
        "{rows_read} rows read for {} posts",
        new.posted
    );
    Ok(())
}

#[test]
fn slow_uploads_alone_defeat_the_settle_window() -> Result<(), SimError> {
    // One location and a strongly consistent KV: only the request-start timestamp is left.
    let s = Scenario {
        locations: 1,
        readers_per_location: 10,
        lag: Lag::NONE,
        slow_upload_share: 0.3,
        ..small()
    };
    let (old, new) = run(&s)?;
    assert!(old.missed > 0 && old.missed == old.missed_slow, "{old:?}");
    assert_exact(&new);
    Ok(())
}

#[test]
fn runs_are_reproducible() -> Result<(), SimError> {
    let s = Scenario {
        posting_ms: 20_000,
        ..small()
    };
    assert_eq!(run(&s)?, run(&s)?);
    Ok(())
}
