//! A month of the comment stream for four designs, from counted operations and the price list.
//! Prints Markdown. Run: `cargo bench -p saywhatwant-sim --bench costs`.

use saywhatwant_sim::costs::{estimate, estimates, Design, Estimate, Model, Scale};
use saywhatwant_sim::prices::{Resource, SECONDS_PER_MONTH};

const LOCATIONS: [usize; 3] = [10, 50, 200];
const TARGET: f64 = 10.0;

fn count(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.2}")
    }
}

fn dollars(x: f64) -> String {
    if x >= 100.0 {
        format!("${x:.0}")
    } else if x >= 0.1 || x == 0.0 {
        format!("${x:.2}")
    } else {
        format!("${x:.4}")
    }
}

/// A scale's label and its readers and rate at a number of locations.
type Labelled = (&'static str, fn(usize) -> Scale);

fn scales() -> [Labelled; 2] {
    [
        ("(a) 1 000 readers, 10 msg/min", Scale::small),
        ("(b) 10 000 readers, 1 000 msg/min", Scale::large),
    ]
}

fn summary(model: &Model) {
    println!("### Per month, by design, scale and number of locations\n");
    println!("| scale | loc. | design | Worker req | DO req (billed) | KV reads | KV writes | KV lists | rows read | rows written | GB-s | log object busy | list price | beyond included | bill ($5 + beyond) | ≤ $10 |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (label, scale) in scales() {
        for l in LOCATIONS {
            for e in estimates(scale(l), model) {
                let u = &e.usage;
                let busy = match e.design {
                    Design::LogPolling | Design::LogPush => {
                        format!("{:.1} %", e.utilisation * 100.0)
                    }
                    _ => "—".into(),
                };
                let total = e.bill.total();
                println!(
                    "| {label} | {l} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {busy} | {} | {} | **{}** | {} |",
                    e.design.name(),
                    count(u.worker_requests),
                    count(u.billed_do_requests()),
                    count(u.kv_reads),
                    count(u.kv_writes),
                    count(u.kv_lists),
                    count(u.rows_read),
                    count(u.rows_written),
                    count(u.gb_s()),
                    dollars(e.bill.list_price()),
                    dollars(e.bill.beyond_included()),
                    dollars(total),
                    if total <= TARGET { "yes" } else { "no" },
                );
            }
        }
    }
    println!();
}

fn by_kind(model: &Model, locations: usize) {
    println!("### Requests by kind ({locations} locations; each column is per request)\n");
    for (label, scale) in scales() {
        println!("#### {label}\n");
        println!("| design | kind | per month | Worker | DO req | msgs in | KV r | KV w | KV l | rows r | rows w | object ms |");
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for e in estimates(scale(locations), model) {
            for line in &e.lines {
                let u = &line.each;
                println!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    e.design.name(),
                    line.kind,
                    count(line.per_month),
                    count(u.worker_requests),
                    count(u.do_requests),
                    count(u.ws_messages_in),
                    count(u.kv_reads),
                    count(u.kv_writes),
                    count(u.kv_lists),
                    count(u.rows_read),
                    count(u.rows_written),
                    count(u.busy_ms),
                );
            }
        }
        println!();
    }
}

fn allowances(model: &Model, locations: usize) {
    println!("### Against the included amounts ({locations} locations): used → charged beyond the allowance\n");
    for (label, scale) in scales() {
        let all: Vec<Estimate> = estimates(scale(locations), model);
        println!("#### {label}\n");
        let names: Vec<&str> = all.iter().map(|e| e.design.name()).collect();
        println!("| resource | included | {} |", names.join(" | "));
        println!("|---|---:|{}", "---:|".repeat(all.len()));
        for r in Resource::ALL {
            let cells: Vec<String> = all
                .iter()
                .map(|e| {
                    let c = e.bill.charge(r).copied();
                    c.map_or("?".into(), |c| {
                        format!("{} → {}", count(c.used), dollars(c.dollars))
                    })
                })
                .collect();
            println!(
                "| {} | {} | {} |",
                r.name(),
                count(r.terms().0),
                cells.join(" | ")
            );
        }
        let totals: Vec<String> = all
            .iter()
            .map(|e| format!("**{}**", dollars(e.bill.total())))
            .collect();
        println!("| bill ($5 + beyond) | | {} |\n", totals.join(" | "));
    }
}

fn per_million(model: &Model) {
    println!("### List price of a million polls (no allowance)\n");
    println!("Design 4 has no polls: its figure is a million 5 s spans of one reader kept current (its share of connects, pings and the object's sends).\n");
    print!("| design |");
    for (label, _) in scales() {
        for l in LOCATIONS {
            print!(" {} {l} loc. |", &label[..3]);
        }
    }
    println!("\n|---|{}", "---:|".repeat(2 * LOCATIONS.len()));
    for d in Design::ALL {
        print!("| {} |", d.name());
        for (_, scale) in scales() {
            for l in LOCATIONS {
                print!(
                    " {} |",
                    dollars(estimate(d, scale(l), model).per_million_polls)
                );
            }
        }
        println!();
    }
    println!();
}

fn verdict(model: &Model) {
    println!("### The target: under $10 a month at 1 000 readers and 10 messages a minute\n");
    for d in Design::ALL {
        let bills: Vec<f64> = LOCATIONS
            .iter()
            .map(|&l| estimate(d, Scale::small(l), model).bill.total())
            .collect();
        let (lo, hi) = bills
            .iter()
            .fold((f64::MAX, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
        let meets = hi <= TARGET;
        println!(
            "- {}: {} a month over 10–200 locations: {}.",
            d.name(),
            if lo == hi {
                dollars(lo)
            } else {
                format!("{}–{}", dollars(lo), dollars(hi))
            },
            if meets {
                "**meets it**"
            } else {
                "does not meet it"
            }
        );
    }
    for ((label, scale), l) in scales().into_iter().flat_map(|s| LOCATIONS.map(|l| (s, l))) {
        let e = estimate(Design::OldKv, scale(l), model);
        let rewrites = e
            .lines
            .iter()
            .find(|line| line.kind.starts_with("view rebuild"))
            .map_or(0.0, |line| line.per_month / SECONDS_PER_MONTH);
        println!(
            "- Design 2 at {}, {l} locations: {rewrites:.1} rewrites a second of its one view key (KV allows 1 a second per key).",
            &label[..3],
        );
    }
    let polling = estimate(Design::LogPolling, Scale::large(50), model);
    println!(
        "- At (b) polling keeps the log object busy {:.0} % of the month, at {:.0} requests a second: more than one object serves.",
        polling.utilisation * 100.0,
        polling.usage.billed_do_requests() / SECONDS_PER_MONTH
    );
    let big = estimate(Design::LogPush, Scale::large(50), model);
    println!(
        "- At (b) the push design's one object would be busy {:.0} % of the month ({:.0} object-seconds per second): it cannot; see the fan-out bench for relays.",
        big.utilisation * 100.0,
        big.usage.busy_ms / 1000.0 / SECONDS_PER_MONTH
    );
    println!();
}

fn main() {
    let model = Model::default();
    println!("## Cost per month (30 days), from counted operations\n");
    println!(
        "Readers present all month, spread evenly over the locations; every human comment gets a bot reply (1 POST; designs 1–2 add 1 PATCH, in designs 3–4 the reply closes the comment in its own commit). Designs 1–3: polls every {} s, bot every {} s, stats every {} s. Design 4: reconnect {}×/day plus {} sessions/day, ping every {} s (1/20 billed), one send per socket of {} ms per committed change. Object time per request {} ms, per commit {} ms, per view alarm {} ms.\n",
        model.poll_s,
        model.bot_poll_s,
        model.stats_s,
        model.reconnects_per_day,
        model.sessions_per_day,
        model.ping_s,
        model.send_ms_per_socket,
        model.handler_ms,
        model.commit_ms,
        model.alarm_ms,
    );
    summary(&model);
    verdict(&model);
    per_million(&model);
    allowances(&model, 50);
    by_kind(&model, 50);
}
