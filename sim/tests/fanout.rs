//! Fan-out on fixed seeds: one object saturates at scale (b), relays sized by `plan` keep
//! every object within its budget and the last socket within a second.

use saywhatwant_sim::fanout::{
    budget_ms, plan, relay_cost, simulate, Delivery, PlanError, Run, Topology, COMMIT_FIXED_MS,
    RELAY_FIXED_MS, SEND_MS_PER_SOCKET, TARGET_UTILISATION,
};

fn run(sockets: usize, per_min: f64, minutes: f64, topology: Topology) -> Delivery {
    simulate(&Run {
        sockets,
        per_min,
        minutes,
        seed: 7,
        topology,
    })
}

#[test]
fn relays_deliver_within_a_second_where_one_object_cannot() {
    let (sockets, per_min) = (10_000, 1_000.0);
    let one = run(sockets, per_min, 2.0, Topology::Single);
    assert!(one.changes > 1_500, "{one:?}");
    assert!(one.log_offered.is_some_and(|o| o > 20.0), "{one:?}");
    assert!(one.log_busy > 0.99, "{one:?}");
    assert!(one.p99_ms > 60_000.0, "the queue should grow: {one:?}");

    let tree = plan(sockets, per_min).expect("a plan");
    assert!(tree.relays() > 1, "{tree:?}");
    let relayed = run(sockets, per_min, 2.0, tree);
    assert!(relayed.p99_ms < 1_000.0, "{relayed:?}");
    assert!(relayed.max_ms < 1_000.0, "{relayed:?}");
    assert!(relayed.socket_p50_ms < 150.0, "{relayed:?}");
    assert!(
        relayed.relay_offered <= TARGET_UTILISATION + 1e-9,
        "{relayed:?}"
    );
    assert!(relayed.log_offered.is_some_and(|o| o <= TARGET_UTILISATION));
    assert!(relayed.relay_busy < 0.6, "{relayed:?}");
}

#[test]
fn one_object_is_enough_for_a_thousand_sockets_at_ten_a_minute() {
    let one = run(1_000, 10.0, 30.0, Topology::Single);
    assert!(one.p99_ms < 1_000.0, "{one:?}");
    assert!(one.socket_p50_ms <= 150.0, "{one:?}");
    assert!(one.log_busy < 0.05, "{one:?}");
}

#[test]
fn no_socket_hears_before_the_serial_send_reaches_it() {
    for sockets in [10, 1_000, 10_000] {
        let one = run(sockets, 10.0, 10.0, Topology::Single);
        let last = COMMIT_FIXED_MS + SEND_MS_PER_SOCKET * sockets as f64;
        assert!(one.p50_ms >= last - 1e-9, "{sockets}: {one:?}");
        // Some changes find the object idle and take exactly the send.
        let quiet = run(sockets, 1.0, 60.0, Topology::Single);
        assert!((quiet.p50_ms - last).abs() < 1e-6, "{sockets}: {quiet:?}");
        assert!(quiet.socket_p50_ms < quiet.p50_ms || sockets <= 1);
    }
}

#[test]
fn plans_keep_every_object_within_its_budget() {
    for sockets in [500, 1_000, 10_000, 100_000, 1_000_000] {
        for per_min in [10.0, 100.0, 1_000.0, 3_000.0] {
            let budget = budget_ms(per_min);
            match plan(sockets, per_min).expect("a plan") {
                Topology::Single => {
                    assert!(COMMIT_FIXED_MS + SEND_MS_PER_SOCKET * sockets as f64 <= budget)
                }
                Topology::Relays { tiers } => {
                    let root = COMMIT_FIXED_MS + SEND_MS_PER_SOCKET * tiers[0] as f64;
                    assert!(root <= budget, "{sockets} at {per_min}: {tiers:?}");
                    let mut below = tiers.iter().skip(1).copied().chain([sockets]);
                    for &n in &tiers {
                        let kids = below.next().unwrap_or(0).div_ceil(n);
                        let t = RELAY_FIXED_MS + SEND_MS_PER_SOCKET * kids as f64;
                        assert!(t <= budget, "{sockets} at {per_min}: {tiers:?}");
                    }
                }
                Topology::Coalescing => panic!("plan never coalesces"),
            }
        }
    }
    assert!(matches!(
        plan(10_000, 100_000.0),
        Err(PlanError::RateTooHigh { .. })
    ));
}

#[test]
fn coalescing_bounds_the_queue_but_not_the_send() {
    let c = run(10_000, 1_000.0, 2.0, Topology::Coalescing);
    assert!(c.max_ms < 5_000.0, "{c:?}");
    assert!(c.p99_ms > 1_000.0, "{c:?}");
}

#[test]
fn runs_are_reproducible() {
    let tree = plan(10_000, 100.0).expect("a plan");
    let a = run(10_000, 100.0, 5.0, tree.clone());
    assert_eq!(a, run(10_000, 100.0, 5.0, tree.clone()));
    let other = simulate(&Run {
        sockets: 10_000,
        per_min: 100.0,
        minutes: 5.0,
        seed: 8,
        topology: tree,
    });
    assert_ne!(a, other);
}

#[test]
fn forwarding_over_sockets_the_log_dials_is_the_cheap_way() {
    let tree = plan(10_000, 1_000.0).expect("a plan");
    let c = relay_cost(10_000, 1_000.0, &tree);
    assert_eq!(c.forwards, 1_000.0 * 43_200.0 * tree.relays() as f64);
    assert!(c.ws_log_dials_dollars < c.ws_relays_dial_dollars);
    assert!(c.ws_log_dials_dollars < c.http_dollars / 10.0);
    // The tree does the same sends plus one per relay.
    assert!(c.tree_gb_s > c.single_gb_s);
    assert_eq!(relay_cost(1_000, 10.0, &Topology::Single).forwards, 0.0);
}
