//! The relay design's month at the three scales of issue 16 (sim/src/relays.rs), as Markdown
//! for docs/benchmarks.md.

use saywhatwant_sim::prices::Resource;
use saywhatwant_sim::relays::{gb_s, month, Model};

fn main() {
    let scales = [
        (
            "(a) 1 000 readers, 10 msg/min",
            Model::new(1_000.0, 10.0, 3.0),
        ),
        (
            "(b) 10 000 readers, 1 000 msg/min",
            Model::new(10_000.0, 1_000.0, 5.0),
        ),
        (
            "(c) 100 000 readers, 1 000 msg/min",
            Model::new(100_000.0, 1_000.0, 6.0),
        ),
    ];
    println!("## The relay design, a month (`cargo bench -p saywhatwant-sim --bench relays`)\n");
    println!("A fifth of the readers hidden (their sockets kept, a ping a minute), every other message a bot's reply, rounds at most every {} ms, {} sockets a relay at most, {} ms a socket sent, {} row written a comment (and one more for the comment a reply closes), the newest {} comments in the log and the rest in the R2 archive.\n",
        scales[0].1.round_ms, scales[0].1.sockets_per_relay, scales[0].1.send_ms_per_socket, scales[0].1.rows_written_per_post, scales[0].1.hot_comments);
    println!("| scale | relays | rounds/s | log busy (billed) | a relay busy | GB-s | requests (Worker / DO billed) | rows written | log SQLite | archive / month | total / month | per comment |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, m) in &scales {
        let mo = month(m);
        println!(
            "| {name} | {:.0} | {:.1} | {:.1} % ({:.0} %) | {:.1} % | {:.2} M | {:.1} M / {:.1} M | {:.1} M | {:.3} GB | {:.1} GB | ${:.2} | ${:.6} |",
            mo.relays,
            mo.rounds_per_s,
            mo.log_busy * 100.0,
            mo.log_billed * 100.0,
            mo.relay_busy * 100.0,
            gb_s(&mo) / 1e6,
            mo.usage.worker_requests / 1e6,
            mo.usage.billed_do_requests() / 1e6,
            mo.usage.rows_written / 1e6,
            mo.log_gb,
            mo.archive_gb_per_month,
            mo.total(),
            mo.per_comment(m),
        );
    }
    println!();
    for (name, m) in &scales {
        let mo = month(m);
        println!("### {name}: what is charged beyond the included amounts\n");
        println!("| resource | used | charged |\n|---|---:|---:|");
        for r in Resource::ALL {
            if let Some(c) = mo.bill.charge(r) {
                if c.used > 0.0 {
                    println!(
                        "| {} | {:.2} M | ${:.2} |",
                        r.name(),
                        c.used / 1e6,
                        c.dollars
                    );
                }
            }
        }
        println!(
            "| SQLite storage | {:.3} GB | ${:.2} |",
            mo.log_gb, mo.storage_dollars
        );
        println!(
            "| R2 archive (storage at the month's end, writes) | {:.1} GB | ${:.2} |",
            mo.archive_gb_per_month, mo.archive_dollars
        );
        println!(
            "| Worker CPU | {:.1} M ms | ${:.2} |",
            mo.usage.worker_requests * m.worker_cpu_ms_per_request / 1e6,
            mo.cpu_dollars
        );
        println!("| base (Workers Paid) | | $5.00 |");
        println!("| **total** | | **${:.2}** |\n", mo.total());
        let five_rows = month(&Model {
            rows_written_per_post: 5.0,
            ..*m
        });
        let requests = month(&Model {
            rounds_over_sockets: false,
            ..*m
        });
        let posts = month(&Model {
            posts_over_socket: false,
            ..*m
        });
        println!(
            "With five rows a comment: ${:.2}. With a request per round per relay instead of the links: ${:.2}. With posts over HTTP instead of the posters' sockets: ${:.2}.\n",
            five_rows.total(),
            requests.total(),
            posts.total()
        );
    }
}
