//! The archive's rules on the in-memory store, with a map standing in for the bucket (each
//! block goes through JSON, as it does in R2).

use std::collections::HashMap;

use saywhatwant_wire::{parse_new_comment, CommentsQuery, Cursor, NewComment};

use super::*;
use crate::log::{live, MemoryStore};

const T0: u64 = 1_761_239_864_515;

fn new(text: &str, ai: bool) -> NewComment {
    let kind = if ai { "AI" } else { "human" };
    parse_new_comment(format!(r#"{{"text":"{text}","message-type":"{kind}"}}"#).as_bytes())
        .expect("valid")
}

/// `n` comments, every tenth from an AI; archived down to `hot` hot seqs.
fn archived_log(
    store: &MemoryStore,
    n: u64,
    hot: u64,
) -> (Log<&MemoryStore>, HashMap<u64, String>) {
    let mut log = Log::open(store).expect("open");
    let mut id = 0;
    for i in 0..n {
        log.append(
            new(&format!("c{}", i + 1), (i + 1) % 10 == 0),
            || {
                id += 1;
                format!("g{id}")
            },
            "example.org",
            T0 + i,
        )
        .expect("append");
    }
    let mut bucket = HashMap::new();
    while let Some(block) = log.archive_due(hot).expect("due") {
        bucket.insert(block.block, serde_json::to_string(&block).expect("json"));
        assert!(log.archived(&block).expect("archived"));
    }
    (log, bucket)
}

fn query(s: &str) -> CommentsQuery {
    CommentsQuery::from_pairs(s.split('&').filter_map(|kv| kv.split_once('='))).expect("query")
}

/// Follows a reader from `q`'s cursor to the head, as the page does: each answer's cursor
/// straight back while `hasMore`. The texts, and how many reads it took.
fn follow(
    log: &mut Log<&MemoryStore>,
    bucket: &HashMap<u64, String>,
    q: &str,
) -> (Vec<String>, usize) {
    let mut q = query(q);
    let mut texts = Vec::new();
    let mut reads = 0;
    loop {
        reads += 1;
        let page = match log.plan(&q).expect("plan") {
            Plan::Hot => log.read(&q).expect("read"),
            Plan::Archive { from, blocks } => {
                assert!(blocks.len() <= BLOCKS_PER_READ);
                let blocks = blocks
                    .iter()
                    .map(|b| serde_json::from_str(&bucket[&b.block]).expect("block"))
                    .collect();
                log.read_archived(&q, from, blocks).expect("archived read")
            }
        };
        texts.extend(page.comments.iter().map(|c| c.text.clone()));
        if !page.has_more {
            return (texts, reads);
        }
        q.after = page
            .cursor
            .as_deref()
            .map(|c| Cursor::parse(c).expect("cursor"));
    }
}

#[test]
fn old_blocks_leave_the_hot_rows_and_history_still_reads_every_comment_once_in_order() {
    let store = MemoryStore::new();
    let (mut log, bucket) = archived_log(&store, 3500, 1000);
    // Blocks 0 and 1 are more than 1 000 seqs behind the head; block 2 is not yet.
    assert_eq!(bucket.len(), 2);
    assert_eq!(store.hot_floor().expect("floor"), 2001);
    assert_eq!(store.len(), 1500);
    assert_eq!((log.total(), log.head()), (3500, 3500));

    let (texts, _) = follow(&mut log, &bucket, "after=s0&limit=200");
    let want: Vec<String> = (1..=3500).map(|i| format!("c{i}")).collect();
    assert_eq!(texts, want);

    // From inside an archived block.
    let (texts, _) = follow(&mut log, &bucket, "after=s1500&limit=1000");
    assert_eq!(texts.first().map(String::as_str), Some("c1501"));
    assert_eq!(texts.len(), 2000);
}

#[test]
fn a_rare_filter_reads_at_most_two_blocks_a_request() {
    let store = MemoryStore::new();
    let (mut log, bucket) = archived_log(&store, 5500, 1000);
    assert_eq!(bucket.len(), 4);
    let (texts, reads) = follow(&mut log, &bucket, "after=s0&type=AI&limit=1000");
    let want: Vec<String> = (1..=550).map(|i| format!("c{}", i * 10)).collect();
    assert_eq!(texts, want);
    // Two archive reads of two blocks each, then the hot rows.
    assert_eq!(reads, 3);
}

#[test]
fn archiving_writes_one_row_a_block_and_a_comment_costs_one_row() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    let before = store.usage();
    let mut n = 0;
    log.append(
        new("one", false),
        || {
            n += 1;
            format!("x{n}")
        },
        "d",
        T0,
    )
    .expect("append");
    let one = store.usage() - before;
    // The first comment of a block also makes its table (2 schema rows).
    assert_eq!(one.rows_written, 1 + crate::log::memory::ROWS_PER_NEW_TABLE);
    let before = store.usage();
    log.append(
        new("two", false),
        || {
            n += 1;
            format!("x{n}")
        },
        "d",
        T0 + 1,
    )
    .expect("append");
    assert_eq!((store.usage() - before).rows_written, 1);

    let store = MemoryStore::new();
    let (mut log, _) = archived_log(&store, 2000, 1000);
    assert!(
        log.archive_due(1000).expect("due").is_none(),
        "block 1 is not due at head 2000"
    );
    let store2 = MemoryStore::new();
    let mut log2 = Log::open(&store2).expect("open");
    for i in 0..2100u64 {
        log2.append(new("c", false), || format!("y{i}"), "d", T0 + i)
            .expect("append");
    }
    let block = log2.archive_due(1000).expect("due").expect("block 0 due");
    assert_eq!(block.entries.len(), 1000);
    let before = store2.usage();
    assert!(log2.archived(&block).expect("archived"));
    assert_eq!((store2.usage() - before).rows_written, 1);
}

#[test]
fn a_block_changed_while_it_was_written_is_not_dropped() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    for i in 0..2100u64 {
        log.append(new("c", false), || format!("z{i}"), "d", T0 + i)
            .expect("append");
    }
    let block = log.archive_due(1000).expect("due").expect("due");
    log.patch("z5", saywhatwant_wire::Patch { processed: true })
        .expect("patch")
        .expect("found");
    assert!(!log.archived(&block).expect("checked"));
    assert_eq!(store.hot_floor().expect("floor"), 1);
    let again = log.archive_due(1000).expect("due").expect("due");
    assert!(log.archived(&again).expect("archived"));
    assert_eq!(store.hot_floor().expect("floor"), 1001);
}

#[test]
fn a_woken_log_keeps_its_head_and_sends_archived_cursors_to_the_archive() {
    let store = MemoryStore::new();
    let (log, _) = archived_log(&store, 3500, 1000);
    drop(log);
    let mut log = Log::open(&store).expect("reopen");
    assert_eq!((log.total(), log.head()), (3500, 3500));
    assert!(matches!(
        log.read(&query("after=s10")),
        Err(LogError::InArchive(10))
    ));
    assert!(matches!(
        log.plan(&query("after=s10")),
        Ok(Plan::Archive { from: 10, .. })
    ));
    // A socket that far back catches up by polling; a relay that far behind too.
    assert!(matches!(
        live::open(&mut log, &query("after=s10")),
        Ok(live::Opening::TooFarBehind)
    ));
    assert!(live::since(&mut log, 10).expect("since").is_none());
    // A legacy time cursor older than the hot rows lands at its archived block's start.
    let at = log
        .position(&Cursor::Time {
            timestamp: T0 + 1500,
            id: None,
        })
        .expect("position");
    assert_eq!(at, 1000);
    // The newest read from the hot rows says older ones exist.
    let page = log.read(&query("limit=5")).expect("read");
    assert!(page.has_more);
    assert_eq!(page.comments.last().map(|c| c.text.as_str()), Some("c3500"));
}

#[test]
fn retention_deletes_whole_archived_blocks_and_readers_go_on_from_what_is_left() {
    let store = MemoryStore::new();
    let (mut log, mut bucket) = archived_log(&store, 5500, 1000);
    assert_eq!(bucket.len(), 4);
    log.act(
        saywhatwant_wire::moderation::AdminAction::Retention { keep: 2500 },
        "operator",
        T0,
    )
    .expect("rule");
    // Seqs up to 3 000 are past the rule: blocks 0, 1 and 2, whole.
    let expired = log.expired_blocks(10).expect("expired");
    assert_eq!(
        expired.iter().map(|b| b.block).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    for b in &expired {
        bucket.remove(&b.block);
    }
    log.forget_blocks(&expired).expect("forgotten");
    assert!(log.expired_blocks(10).expect("none").is_empty());
    assert_eq!(log.total(), 2500);
    assert_eq!(
        store.hot_floor().expect("floor"),
        4001,
        "the floor never moves back"
    );
    let (texts, _) = follow(&mut log, &bucket, "after=s0&limit=500");
    assert_eq!(texts.first().map(String::as_str), Some("c3001"));
    assert_eq!(texts.len(), 2500);
    // Once the archive holds nothing past a cursor, the hot rows answer from their floor.
    let (texts, _) = follow(&mut log, &bucket, "after=s3500&limit=500");
    assert_eq!(texts.first().map(String::as_str), Some("c3501"));
}
