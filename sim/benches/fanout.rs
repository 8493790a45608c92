//! Fan-out of each committed change to every open socket: one log object against a tree of
//! relay objects (and one object coalescing its frames), simulated with Poisson arrivals.
//! Prints Markdown. Run: `cargo bench -p saywhatwant-sim --bench fanout`.

use std::process::ExitCode;

use saywhatwant_sim::costs::{estimate, Design, Model, Scale};
use saywhatwant_sim::fanout::{
    budget_ms, plan, relay_cost, simulate, Delivery, Run, Topology, COMMIT_FIXED_MS, HOP_MS,
    MAX_SEND_MS, RELAY_FIXED_MS, SEND_MS_PER_SOCKET, TARGET_UTILISATION,
};

const SOCKETS: [usize; 3] = [1_000, 10_000, 100_000];
const RATES: [f64; 3] = [10.0, 100.0, 1_000.0];
const MINUTES: f64 = 10.0;
const SEED: u64 = 0xFA40;
/// A GB-s beyond the allowance.
const GB_S: f64 = 12.50 / 1e6;

fn ms(x: f64) -> String {
    if x >= 10_000.0 {
        format!("{:.0} s", x / 1000.0)
    } else {
        format!("{x:.0} ms")
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn run(sockets: usize, per_min: f64, topology: Topology) -> Delivery {
    simulate(&Run {
        sockets,
        per_min,
        minutes: MINUTES,
        seed: SEED,
        topology,
    })
}

fn latency_table() -> Result<(), String> {
    println!("### Commit to the last socket, {MINUTES} simulated minutes each\n");
    println!("Latency is from the change reaching the log object to a socket's frame leaving its object: \"median socket\" over (change, socket) pairs, the rest to the last socket of each change.\n");
    println!("| sockets | changes/min | topology | log offered load | busiest relay offered | log busy | busiest relay busy | median socket | p50 last | p99 last | max last |");
    println!("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in SOCKETS {
        for r in RATES {
            let planned = plan(s, r).map_err(|e| e.to_string())?;
            let mut topologies = vec![Topology::Single, Topology::Coalescing];
            if planned != Topology::Single {
                topologies.push(planned);
            }
            for t in topologies {
                let d = run(s, r, t.clone());
                let offered = d.log_offered.map_or("—".into(), |o| {
                    if o >= 1.0 {
                        format!("**{o:.2} (saturated)**")
                    } else {
                        format!("{o:.2}")
                    }
                });
                let relay = |x: f64| {
                    if t.relays() > 0 {
                        format!("{x:.2}")
                    } else {
                        "—".into()
                    }
                };
                println!(
                    "| {s} | {r} | {} | {offered} | {} | {} | {} | {} | {} | {} | {} |",
                    t.describe(),
                    relay(d.relay_offered),
                    pct(d.log_busy),
                    if t.relays() > 0 {
                        pct(d.relay_busy)
                    } else {
                        "—".into()
                    },
                    ms(d.socket_p50_ms),
                    ms(d.p50_ms),
                    ms(d.p99_ms),
                    ms(d.max_ms)
                );
            }
        }
    }
    println!();
    Ok(())
}

/// The largest socket count (to 50) for which one object meets `ok`; latency grows with
/// sockets on the same arrivals, so a bisection finds it.
fn largest(per_min: f64, ok: impl Fn(&Delivery) -> bool) -> usize {
    let (mut lo, mut hi) = (0usize, 200_000usize);
    while hi - lo > 50 {
        let mid = (lo + hi) / 2;
        if ok(&run(mid, per_min, Topology::Single)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Prints where one object stops and returns, per rate, the largest socket count meeting the
/// push budget.
fn where_one_object_stops() -> Vec<(f64, usize)> {
    println!("### Where one object stops being enough\n");
    println!("| changes/min | sockets at offered load 1 | largest with p99 (last socket) ≤ 1 s | largest meeting the push budget (median socket ≤ 150 ms, max ≤ 1 s) |");
    println!("|---:|---:|---:|---:|");
    let mut out = Vec::new();
    for r in [10.0, 100.0, 1_000.0, 3_000.0] {
        let at_one = (60_000.0 / r - COMMIT_FIXED_MS) / SEND_MS_PER_SOCKET;
        let budget = largest(r, |d| d.socket_p50_ms <= 150.0 && d.max_ms <= 1_000.0);
        println!(
            "| {r} | {:.0} | {} | {budget} |",
            at_one.max(0.0),
            largest(r, |d| d.p99_ms <= 1_000.0),
        );
        out.push((r, budget));
    }
    println!();
    out
}

fn cost_table() -> Result<(), String> {
    let sockets = 10_000;
    println!(
        "### What fan-out costs a month at scale (b): {sockets} sockets (list prices, marginal)\n"
    );
    println!("1 000 changes a minute are the human comments; 3 000 adds the bot's replies and the questions they close (a change of its own, which the object also pushes to every socket).\n");
    println!("| changes/min | plan | relays | forwards/month | forwards as HTTP | over sockets the log dials | over sockets the relays dial | send time, one object | send time, tree |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in [1_000.0, 3_000.0] {
        let t = plan(sockets, r).map_err(|e| e.to_string())?;
        let c = relay_cost(sockets, r, &t);
        println!(
            "| {r} | {} | {} | {:.1} M | ${:.2} | ${:.2} | ${:.2} | {:.1} M GB-s (${:.0}) | {:.1} M GB-s (${:.0}) |",
            t.describe(),
            c.relays,
            c.forwards / 1e6,
            c.http_dollars,
            c.ws_log_dials_dollars,
            c.ws_relays_dial_dollars,
            c.single_gb_s / 1e6,
            c.single_gb_s * GB_S,
            c.tree_gb_s / 1e6,
            c.tree_gb_s * GB_S,
        );
    }
    println!();
    // The push design of the cost bench at (b) sends 3 000 changes a minute to 10 001 sockets
    // from one object; swap that send time for the tree's and add the forwards.
    let t = plan(sockets, 3_000.0).map_err(|e| e.to_string())?;
    let c = relay_cost(sockets, 3_000.0, &t);
    let one = estimate(Design::LogPush, Scale::large(50), &Model::default())
        .bill
        .total();
    let with_tree = one + (c.tree_gb_s - c.single_gb_s) * GB_S + c.ws_log_dials_dollars;
    println!("The push design at (b) costs {} a month as one object (which cannot keep up); with the {} tree over sockets the log dials, about {} a month.\n", dollars(one), t.describe(), dollars(with_tree));
    Ok(())
}

fn dollars(x: f64) -> String {
    format!("${x:.0}")
}

fn plan_text(stops: &[(f64, usize)]) -> Result<(), String> {
    let at = |rate: f64| stops.iter().find(|s| s.0 == rate).map_or(0, |s| s.1);
    let b = plan(10_000, 1_000.0).map_err(|e| e.to_string())?;
    let b3 = plan(10_000, 3_000.0).map_err(|e| e.to_string())?;
    let relayed = run(10_000, 1_000.0, b.clone());
    let coalesced = run(10_000, 1_000.0, Topology::Coalescing);
    println!("### The plan\n");
    println!("- **One object is enough** while its serial send to every socket fits the push budget: at {SEND_MS_PER_SOCKET} ms a socket, up to about {} sockets at 10 changes a minute, {} at 100 and {} at 1 000. Scale (a), 1 000 readers and about 30 changes a minute with the bot's replies and the questions they close, is inside it (its object is busy under 10 % of the time). Scale (b), 10 000 sockets and 1 000–3 000 changes a minute, is 25–75 times what one object can send.", at(10.0), at(100.0), at(1_000.0));
    println!("- **Next: relays.** The log forwards each change once to each relay, over a socket the log dials and the relay accepts (hibernatable at the relay; only the log stays awake); each relay holds its share of the readers' sockets, sized so that none takes over {MAX_SEND_MS} ms a change or runs over {:.0} % busy: {} at (b), {} counting the bot's traffic. Last socket p99 at (b): {} ms. Relays are created with location hints near their readers (a group per region) and readers connect to their region's relays.", TARGET_UTILISATION * 100.0, b.describe(), b3.describe(), relayed.p99_ms.round());
    println!("- **Coalesce frames** (one frame per socket per round, carrying everything committed since the last): it keeps one object's queue bounded (at (b) its last socket gets a change within {:.1} s, p99) and cuts sends and forwards when changes come faster than rounds. It does not shorten a round: past about 1 000 sockets, relays are what brings latency down. Relays should coalesce their forwards too: that is the lever on the forwarding bill at 3 000 changes a minute.", coalesced.p99_ms / 1000.0);
    println!("- **Shard the log by domain** (one object, one sequence and one cursor space per site) when writes, not sends, near one object's limit of about a thousand requests a second: at (b) the log takes about 50 writes a second, far from it; polling readers at (b) would ask it for 2 000 a second, which is why (b) must be push.");
    println!("- **First loads stay on the KV recent view**, a read replica at every location rewritten at most every 10 s; the socket or a fresh read from the view's cursor brings exactly what it lacks, so KV's lag costs the first screen's freshness, never a comment.\n");
    Ok(())
}

fn main() -> ExitCode {
    println!("## Fan-out: one log object against relays\n");
    println!(
        "Per change: {COMMIT_FIXED_MS} ms fixed at the log, {RELAY_FIXED_MS} ms at a relay, {SEND_MS_PER_SOCKET} ms per socket or relay sent to, hops {}–{} ms; relays sized so that no object takes over {MAX_SEND_MS} ms per change nor runs over {} % busy (at 1 000/min: {:.0} ms a change). Poisson arrivals; the reader's own network leg is not counted.\n",
        HOP_MS.0,
        HOP_MS.1,
        TARGET_UTILISATION * 100.0,
        budget_ms(1_000.0)
    );
    let result = latency_table().and_then(|()| {
        let stops = where_one_object_stops();
        cost_table()?;
        plan_text(&stops)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fanout: {e}");
            ExitCode::FAILURE
        }
    }
}
