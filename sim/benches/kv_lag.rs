//! The old KV design against the comment log under Workers KV's documented lag, on identical
//! workloads. Prints a Markdown table for docs/benchmarks.md.
//! Run: `cargo bench -p saywhatwant-sim --bench kv_lag`.

use std::process::ExitCode;
use std::time::Instant;

use saywhatwant_sim::report::{row, HEADER};
use saywhatwant_sim::{run, Lag, Scenario};

fn scenarios() -> Vec<Scenario> {
    let base = Scenario::default();
    let slow = |s: Scenario| Scenario {
        slow_upload_share: 0.1,
        ..s
    };
    let at = |locations, readers_per_location, posts_per_minute| Scenario {
        locations,
        readers_per_location,
        posts_per_minute,
        ..base.clone()
    };
    vec![
        // Slow uploads alone, on a strongly consistent single-location KV.
        slow(Scenario {
            lag: Lag::NONE,
            ..at(1, 20, 10.0)
        }),
        // KV's lag alone, first far kinder than the docs, then at the documented bound.
        Scenario {
            lag: Lag::MOSTLY_FAST,
            ..at(10, 10, 10.0)
        },
        at(10, 10, 10.0),
        // Both, at 60 posts a minute, over more and more locations.
        slow(at(10, 10, 60.0)),
        slow(at(50, 4, 60.0)),
        slow(at(200, 2, 60.0)),
        slow(Scenario {
            lag: Lag::MOSTLY_FAST,
            ..at(200, 2, 60.0)
        }),
    ]
}

fn main() -> ExitCode {
    println!("### Delivery under Workers KV's lag: the old KV design against the comment log\n");
    println!(
        "Simulated: {} min of posting, polls every {} s (`limit={}`), then polling until every \
         write has propagated; seed {:#x}.\n",
        Scenario::default().posting_ms / 60_000,
        Scenario::default().poll_every_ms / 1000,
        saywhatwant_sim::POLL_LIMIT,
        Scenario::default().seed,
    );
    println!("{HEADER}");
    for s in scenarios() {
        let t = Instant::now();
        match run(&s) {
            Ok((old, new)) => {
                println!("{}", row(&s, "old: KV", &old));
                println!("{}", row(&s, "new: log", &new));
                eprintln!(
                    "({} × {}: {:.1?})",
                    s.locations,
                    s.readers_per_location,
                    t.elapsed()
                );
            }
            Err(e) => {
                eprintln!("the simulation failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
