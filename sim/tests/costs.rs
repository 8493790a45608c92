//! The monthly cost model: its per-request counts are what each design's code does, its edge
//! cache sharing is what the old edge cache does, its allowances are applied, and the verdict
//! on the original write-up's $10 target.

use futures::executor::block_on;
use saywhatwant_api::log::{Log, LogStore, MemoryStore, Usage as Rows};
use saywhatwant_api::memory_kv::MemoryKv;
use saywhatwant_sim::costs::{edge_lists_in_period, estimate, Design, Model, Scale};
use saywhatwant_sim::old_kv::comments::{self, Posted};
use saywhatwant_sim::old_kv::edge::{EdgeCachedKv, MemoryEdgeCache, EDGE_TTL_MS};
use saywhatwant_sim::old_kv::{fresh, OldCursor, OldQuery};
use saywhatwant_sim::original;
use saywhatwant_sim::prices::{Bill, Resource, Usage};
use saywhatwant_sim::request_ops::*;
use saywhatwant_sim::rng::Rng;
use saywhatwant_wire::{
    parse_new_comment, Comment, CommentsQuery, Cursor, NewComment, Order, Patch,
};

const T0: u64 = 1_760_000_000_000;

fn new_comment(id: &str) -> NewComment {
    parse_new_comment(format!(r#"{{"id":"{id}","text":"hello {id}"}}"#).as_bytes())
        .expect("a valid comment")
}

fn comment(id: &str, ts: u64) -> Comment {
    new_comment(id).into_comment(id.into(), ts, "d")
}

/// Asserts that `kv` did exactly the KV operations `want` counts, then resets it.
fn assert_kv(kv: &MemoryKv, want: Usage, what: &str) {
    let o = kv.ops();
    let got = (o.gets as f64, o.puts as f64, o.lists as f64);
    assert_eq!(
        got,
        (want.kv_reads, want.kv_writes, want.kv_lists),
        "{what}"
    );
    kv.reset_ops();
}

#[test]
fn the_original_design_does_what_its_counts_say() {
    let kv = MemoryKv::new();
    for i in 0..50 {
        let c = comment(&format!("old{i}"), T0 + i);
        let cache = block_on(original::post_read(&kv, &c)).expect("read");
        block_on(original::post_write(&kv, cache, &c)).expect("write");
    }
    kv.reset_ops();
    let c = comment("new", T0 + 100);
    let cache = block_on(original::post_read(&kv, &c)).expect("read");
    block_on(original::post_write(&kv, cache, &c)).expect("write");
    assert_kv(&kv, ORIGINAL_POST, "POST");
    // Three keys newer than the cursor: one list and a get for each.
    let got = block_on(original::fresh_poll(&kv, T0 + 47)).expect("poll");
    assert_eq!(got.len(), 3);
    assert_kv(
        &kv,
        Usage {
            kv_reads: 3.0,
            ..ORIGINAL_POLL
        },
        "poll",
    );
    block_on(original::cached_read(&kv)).expect("cache");
    assert_kv(&kv, ORIGINAL_CACHE_READ, "cache read");
}

#[test]
fn the_old_kv_design_does_what_its_counts_say() {
    let kv = MemoryKv::new();
    for i in 0..1_500 {
        block_on(comments::post(
            &kv,
            new_comment(&format!("c{i}")),
            || unreachable!(),
            T0 + i,
            "d",
        ))
        .expect("post");
    }
    kv.reset_ops();
    let posted = block_on(comments::post(
        &kv,
        new_comment("new"),
        || unreachable!(),
        T0 + 2_000,
        "d",
    ));
    assert!(matches!(posted, Ok(Posted::Created(_))));
    assert_kv(&kv, OLD_POST, "POST");
    block_on(comments::patch(&kv, "c7", Patch { processed: true })).expect("patch");
    assert_kv(&kv, OLD_PATCH, "PATCH");
    // A poll finding 100 new comments, and the bot's newest 100, past 1000 stored: one list
    // each and no gets (the comments ride in the list metadata).
    let now = T0 + 10_000;
    let poll = OldQuery {
        limit: 200,
        after: Some(OldCursor::timestamp(T0 + 1_400)),
        ..OldQuery::default()
    };
    let page = block_on(fresh::read(&kv, &poll, now)).expect("poll");
    assert_eq!(page.comments.len(), 100);
    assert_kv(
        &kv,
        Usage {
            kv_lists: 1.0,
            ..OLD_POLL
        },
        "poll",
    );
    let bot = OldQuery {
        limit: 100,
        order: Order::Desc,
        ..OldQuery::default()
    };
    assert_eq!(
        block_on(fresh::read(&kv, &bot, now))
            .expect("bot")
            .comments
            .len(),
        100
    );
    assert_kv(&kv, OLD_BOT_POLL, "bot poll");
}

fn rows(u: Usage) -> Rows {
    Rows {
        rows_read: u.rows_read as u64,
        rows_written: u.rows_written as u64,
    }
}

#[test]
fn the_log_does_what_its_counts_say() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    for i in 0..3_000 {
        log.append(
            new_comment(&format!("c{i}")),
            || unreachable!(),
            "d",
            T0 + i,
        )
        .expect("append");
    }
    // The object has been serving: its tail is loaded, and a post has built the store's
    // index (the first lookup after a wake reads every hot row's small columns once).
    log.read(&CommentsQuery::default()).expect("read");
    log.append(new_comment("warm"), || unreachable!(), "d", T0 + 4_000)
        .expect("append");
    let mut cost = |f: &mut dyn FnMut(&mut Log<&MemoryStore>)| {
        let before = store.usage();
        f(&mut log);
        store.usage() - before
    };
    let post = cost(&mut |l| {
        l.append(new_comment("new"), || unreachable!(), "d", T0 + 5_000)
            .expect("append");
    });
    assert_eq!(post, rows(LOG_POST), "POST");
    let patch = cost(&mut |l| {
        l.patch("new", Patch { processed: true }).expect("patch");
    });
    assert_eq!(patch, rows(LOG_PATCH), "PATCH");
    let poll = cost(&mut |l| {
        let q = CommentsQuery {
            after: Some(Cursor::Seq(2_990)),
            limit: 200,
            ..CommentsQuery::default()
        };
        assert_eq!(l.read(&q).expect("poll").comments.len(), 12);
    });
    assert_eq!(poll, rows(LOG_READ), "poll");
}

#[test]
fn the_edge_cache_model_lists_exactly_when_the_edge_cache_does() {
    let mut rng = Rng::new(11);
    // Polls exactly one TTL apart, and exactly one millisecond short of it, then random.
    let mut cases = vec![
        vec![100, 100 + EDGE_TTL_MS],
        vec![0, EDGE_TTL_MS - 1, 4_999],
    ];
    for readers in [1usize, 3, 10, 40] {
        for _ in 0..5 {
            cases.push((0..readers).map(|_| rng.between(0, 4_999)).collect());
        }
    }
    for phases in cases {
        let kv = MemoryKv::new();
        let cache = MemoryEdgeCache::default();
        let mut second_period = 0;
        let mut times: Vec<u64> = (0..2)
            .flat_map(|p| phases.iter().map(move |t| p * 5_000 + t))
            .collect();
        times.sort_unstable();
        for now in times {
            let edge = EdgeCachedKv {
                kv: &kv,
                cache: &cache,
                now: T0 + now,
            };
            let q = OldQuery {
                limit: 200,
                after: Some(OldCursor::timestamp(T0)),
                ..OldQuery::default()
            };
            block_on(fresh::read(&edge, &q, T0 + now)).expect("poll");
            if now >= 5_000 {
                second_period += kv.ops().lists;
            }
            kv.reset_ops();
        }
        assert_eq!(
            edge_lists_in_period(&phases, 5_000, EDGE_TTL_MS),
            second_period,
            "readers at {phases:?}"
        );
    }
}

#[test]
fn only_push_meets_the_ten_dollar_target() {
    let model = Model::default();
    for l in [10, 50, 200] {
        let bill = |d| estimate(d, Scale::small(l), &model).bill.total();
        assert!(
            bill(Design::LogPush) < 10.0,
            "push at {l} locations: {}",
            bill(Design::LogPush)
        );
        assert!(
            bill(Design::Original) > 1_000.0,
            "the original at {l}: {}",
            bill(Design::Original)
        );
        assert!(
            bill(Design::OldKv) > 100.0,
            "old KV at {l}: {}",
            bill(Design::OldKv)
        );
        // Polling the log: a Worker request and an object request per poll.
        assert!(
            bill(Design::LogPolling) > 100.0,
            "polling at {l}: {}",
            bill(Design::LogPolling)
        );
    }
}

#[test]
fn old_kv_lists_grow_with_locations_and_never_pass_the_polls() {
    let model = Model::default();
    let lists = |l| {
        estimate(Design::OldKv, Scale::small(l), &model)
            .usage
            .kv_lists
    };
    assert!(lists(10) < lists(50) && lists(50) < lists(200));
    let polls = 1_000.0 / model.poll_s * saywhatwant_sim::prices::SECONDS_PER_MONTH;
    assert!(lists(200) < polls);
    // The original lists on every poll, wherever the readers are.
    let original = estimate(Design::Original, Scale::small(10), &model)
        .usage
        .kv_lists;
    assert!(original > polls && original > lists(200));
}

#[test]
fn one_log_object_carries_push_at_a_but_not_at_b() {
    let model = Model::default();
    let small = estimate(Design::LogPush, Scale::small(50), &model);
    assert!(small.utilisation < 0.2, "{}", small.utilisation);
    let large = estimate(Design::LogPush, Scale::large(50), &model);
    assert!(large.utilisation > 1.0, "{}", large.utilisation);
    // Polling at (b) is over one object's thousand requests a second.
    let polling = estimate(Design::LogPolling, Scale::large(50), &model);
    assert!(polling.usage.do_requests / saywhatwant_sim::prices::SECONDS_PER_MONTH > 1_000.0);
}

#[test]
fn the_bill_charges_only_beyond_the_allowances() {
    let within = Usage {
        worker_requests: 10e6,
        ws_messages_in: 20e6,
        busy_ms: 400_000.0 / 0.128 * 1000.0,
        kv_lists: 1e6,
        ..NONE
    };
    let bill = Bill::of(&within);
    assert!(bill.beyond_included().abs() < 1e-9, "{bill:?}");
    assert_eq!(bill.total(), 5.0);
    let over = within
        + Usage {
            worker_requests: 1e6,
            ws_messages_in: 20e6,
            kv_lists: 2e6,
            ..NONE
        };
    let bill = Bill::of(&over);
    let dollars = |r| bill.charge(r).map_or(f64::NAN, |c| c.dollars);
    assert!((dollars(Resource::WorkerRequests) - 0.30).abs() < 1e-9);
    // Twenty million received messages are a million billed requests.
    assert!((dollars(Resource::DoRequests) - 0.15).abs() < 1e-9);
    assert!((dollars(Resource::KvLists) - 10.0).abs() < 1e-9);
    assert!((bill.total() - 15.45).abs() < 1e-9);
}
