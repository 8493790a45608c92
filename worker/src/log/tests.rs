use saywhatwant_wire::{parse_new_comment, CommentsQuery, Cursor, MessageType, Order};

use super::*;

const T0: u64 = 1_761_239_864_515;

fn new(text: &str) -> NewComment {
    parse_new_comment(format!(r#"{{"text":"{text}"}}"#).as_bytes()).expect("valid")
}

fn ids() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("gen{n}")
    }
}

/// A log of `n` comments posted at `T0`, `T0 + 1`, …
fn log_of(store: &MemoryStore, n: usize, tail: usize) -> Log<&MemoryStore> {
    let mut log = Log::with_tail_cap(store, tail).expect("open");
    let mut gen = ids();
    for i in 0..n {
        log.append(
            new(&format!("c{i}")),
            &mut gen,
            "example.org",
            T0 + i as u64,
        )
        .expect("append");
    }
    log
}

fn query(s: &str) -> CommentsQuery {
    CommentsQuery::from_pairs(s.split('&').filter_map(|kv| kv.split_once('='))).expect("query")
}

fn texts(page: &CommentsPage) -> Vec<&str> {
    page.comments.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn each_comment_gets_the_next_number_and_a_strictly_later_time() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    let mut gen = ids();
    // The clock stands still, then goes back: times still grow with the sequence.
    let times: Vec<u64> = [T0, T0, T0, T0 - 50, T0 + 10]
        .into_iter()
        .map(
            |now| match log.append(new("x"), &mut gen, "d", now).expect("append") {
                Appended::Created(e) => e.comment.timestamp,
                Appended::Existing(_) | Appended::Refused(_) => panic!("new id"),
            },
        )
        .collect();
    assert_eq!(times, [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 10]);
    assert_eq!((log.total(), log.head()), (5, 5));
}

#[test]
fn posting_an_id_twice_stores_one_comment() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 3, 10);
    let mut body = new("once");
    body.id = Some("retry-1".into());
    let first = log
        .append(body.clone(), ids(), "d", T0 + 100)
        .expect("append");
    let again = log.append(body, ids(), "d", T0 + 200).expect("append");
    match (first, again) {
        (Appended::Created(a), Appended::Existing(b)) => assert_eq!(a, b),
        _ => panic!("created, then existing"),
    }
    assert_eq!((log.total(), store.len()), (4, 4));
    // A generated id that exists already is drawn again.
    let mut draws = ["gen1".to_string(), "fresh".into()].into_iter();
    match log
        .append(new("y"), || draws.next().unwrap_or_default(), "d", T0 + 300)
        .expect("append")
    {
        Appended::Created(e) => assert_eq!(e.comment.id, "fresh"),
        _ => panic!("a generated id is never a retry"),
    }
}

#[test]
fn a_cursor_delivers_each_comment_once_in_order_across_the_tail_boundary() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 30, 8);
    for limit in [1, 3, 7, 200] {
        let mut cursor = "s0".to_string();
        let mut got = Vec::new();
        loop {
            let page = log
                .read(&query(&format!("after={cursor}&limit={limit}&fresh=true")))
                .expect("read");
            assert!(page.comments.len() <= limit);
            got.extend(page.comments.iter().map(|c| c.text.clone()));
            cursor = page.cursor.expect("a cursor");
            if !page.has_more {
                break;
            }
        }
        let want: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        assert_eq!(got, want, "limit={limit}");
        assert_eq!(cursor, "s30");
    }
}

#[test]
fn polls_within_the_tail_read_no_rows_and_older_reads_only_what_they_return() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 100, 20);
    log.read(&query("limit=0")).expect("warm the tail");
    let before = store.usage();
    let page = log
        .read(&query("after=s95&limit=200&fresh=true"))
        .expect("read");
    assert_eq!(texts(&page), ["c95", "c96", "c97", "c98", "c99"]);
    let bot = log
        .read(&query(
            "limit=10&domain=all&sort=timestamp&order=desc&fresh=true",
        ))
        .expect("read");
    assert_eq!(bot.comments.len(), 10);
    assert_eq!(
        store.usage() - before,
        Usage::default(),
        "the tail costs nothing"
    );
    // Forty comments back: twenty from storage (the part before the tail), plus the probe
    // for "more" comes from the tail.
    let before = store.usage();
    let page = log.read(&query("after=s60&limit=30")).expect("read");
    assert_eq!(page.comments.len(), 30);
    assert!(page.has_more);
    assert_eq!((store.usage() - before).rows_read, 20);
}

#[test]
fn the_newest_page_and_filters_read_through_indexes() {
    let store = MemoryStore::new();
    let mut log = Log::with_tail_cap(&store, 10).expect("open");
    let mut gen = ids();
    for i in 0..60u64 {
        let mut c = new(&format!("c{i}"));
        if i % 20 == 0 {
            c.message_type = MessageType::Ai;
        }
        log.append(c, &mut gen, if i < 5 { "old.test" } else { "d" }, T0 + i)
            .expect("append");
    }
    let ai = log.read(&query("type=AI&limit=2")).expect("read");
    assert_eq!(texts(&ai), ["c20", "c40"]);
    assert!(ai.has_more);
    let old = log
        .read(&query("domain=old.test&limit=50&order=desc"))
        .expect("read");
    assert_eq!(texts(&old), ["c4", "c3", "c2", "c1", "c0"]);
    assert!(!old.has_more);
    // The newest five without a filter: straight from the tail, oldest first by default.
    let newest = log.read(&query("limit=5")).expect("read");
    assert_eq!(texts(&newest), ["c55", "c56", "c57", "c58", "c59"]);
    assert_eq!(
        (newest.has_more, newest.cursor.as_deref()),
        (true, Some("s60"))
    );
    // A filtered read that looked at everything moves the cursor to the head.
    let caught_up = log
        .read(&query("after=s1&type=AI&limit=100"))
        .expect("read");
    assert_eq!(texts(&caught_up), ["c20", "c40"]);
    assert_eq!(caught_up.cursor.as_deref(), Some("s60"));
}

#[test]
fn legacy_cursors_map_to_the_first_comment_after_their_time() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 50, 10);
    // c20 was stamped T0 + 20.
    for (tail_or_storage, n) in [("storage", 20u64), ("tail", 45)] {
        let plain = log
            .read(&query(&format!("after={}&limit=3", T0 + n)))
            .expect("read");
        assert_eq!(
            texts(&plain).first().copied(),
            Some(format!("c{}", n + 1).as_str()),
            "{tail_or_storage}"
        );
        let exact = log
            .read(&query(&format!("after={}:gen{}&limit=1", T0 + n, n + 1)))
            .expect("read");
        assert_eq!(texts(&exact), [format!("c{}", n + 1)], "{tail_or_storage}");
    }
    // An id this log never had: from that millisecond on (repeat rather than skip).
    let unknown = log
        .read(&query(&format!("after={}:nosuch&limit=1", T0 + 20)))
        .expect("read");
    assert_eq!(texts(&unknown), ["c20"]);
    // The future and the distant past.
    let future = log
        .read(&query(&format!("after={}", T0 + 10_000)))
        .expect("read");
    assert_eq!(
        (future.comments.len(), future.cursor.as_deref()),
        (0, Some("s50"))
    );
    let past = log.read(&query("after=0&limit=1")).expect("read");
    assert_eq!(texts(&past), ["c0"]);
}

#[test]
fn a_cursor_from_another_log_is_refused() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 3, 10);
    assert!(matches!(
        log.read(&query("after=s4")),
        Err(LogError::CursorAhead { cursor: 4, head: 3 })
    ));
    assert!(log.read(&query("after=s3")).is_ok());
}

#[test]
fn a_patch_is_one_row_and_the_next_read_sees_it() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 30, 10);
    log.read(&query("limit=0")).expect("warm");
    for id in ["gen3", "gen28"] {
        let before = store.usage();
        let patched = log
            .patch(id, Patch { processed: true })
            .expect("patch")
            .expect("found");
        assert_eq!(
            patched.comment.bot_params.and_then(|b| b.processed),
            Some(true)
        );
        let used = store.usage() - before;
        assert_eq!(used.rows_written, 1, "{id}");
        assert!(used.rows_read <= 2, "{id}: {used:?}");
    }
    let all = log.read(&query("limit=100&order=desc")).expect("read");
    let processed: Vec<_> = all
        .comments
        .iter()
        .filter(|c| c.bot_params.as_ref().and_then(|b| b.processed) == Some(true))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(processed, ["gen28", "gen3"]);
    assert!(log
        .patch("nosuch", Patch { processed: true })
        .expect("patch")
        .is_none());
    // A woken object (a new log over the same rows) sees the same.
    let mut woken = Log::with_tail_cap(&store, 10).expect("open");
    assert_eq!(woken.total(), 30);
    assert_eq!(
        woken.read(&query("limit=100&order=desc")).expect("read"),
        all
    );
}

#[test]
fn import_keeps_order_ids_and_times_and_a_rerun_changes_nothing() {
    let store = MemoryStore::new();
    let mut log = Log::with_tail_cap(&store, 4).expect("open");
    let mut old: Vec<Comment> = (0..10u64)
        .map(|i| {
            let mut c = new(&format!("old {i}")).into_comment(
                format!("o{i}"),
                T0 - 1000 + i * 10,
                "orig.example",
            );
            if i == 3 {
                c.timestamp = T0 - 1000 + 20; // shares o2's millisecond
            }
            c
        })
        .collect();
    old.reverse(); // the import sorts
    let report = log.import(old.clone()).expect("import");
    assert_eq!(
        (report.imported, report.already, report.refused.len()),
        (10, 0, 0)
    );
    let again = log.import(old).expect("import");
    assert_eq!((again.imported, again.already), (0, 10));
    assert_eq!(log.total(), 10);
    let all = log.read(&query("after=s0&limit=100")).expect("read");
    let ids: Vec<_> = all.comments.iter().map(|c| c.id.as_str()).collect();
    // Same millisecond: the original's key order (id ascending).
    assert_eq!(
        ids,
        ["o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9"]
    );
    // A new post after the import comes after it, stamped later.
    let fresh = match log.append(new("new"), ids_fn(), "d", T0).expect("append") {
        Appended::Created(e) => e,
        _ => panic!("new"),
    };
    assert_eq!(fresh.seq, 11);
    // Older comments arriving after that are refused by name, nothing stored.
    let late = new("late").into_comment("late1".into(), T0 - 5000, "orig.example");
    let bad = new("bad").into_comment("has space".into(), T0 + 5, "orig.example");
    let report = log.import(vec![late, bad]).expect("import");
    assert_eq!(report.imported, 0);
    assert_eq!(
        report
            .refused
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["late1", "has space"]
    );
    assert_eq!(log.total(), 11);
}

fn ids_fn() -> impl FnMut() -> String {
    || "after-import".to_string()
}

#[test]
fn a_failing_store_is_an_error_never_an_empty_answer() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 3, 10);
    store.broken.set(true);
    assert!(log.read(&query("limit=10")).is_err());
    assert!(log.append(new("x"), ids(), "d", T0).is_err());
    store.broken.set(false);
    assert_eq!(log.total(), 3, "a failed insert takes no number");
    assert_eq!(
        log.read(&query("limit=10")).expect("read").comments.len(),
        3
    );
}

#[test]
fn desc_order_reverses_the_page() {
    let store = MemoryStore::new();
    let mut log = log_of(&store, 5, 10);
    let mut q = query("after=s1&limit=2");
    q.order = Order::Desc;
    let page = log.read(&q).expect("read");
    assert_eq!(texts(&page), ["c2", "c1"]);
    assert_eq!(page.cursor, Some(Cursor::Seq(3).to_string()));
}

#[test]
fn heavy_comments_are_held_by_bytes_not_count_and_reads_still_see_all() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    log.read(&query("limit=0")).expect("warm");
    let mut gen = ids();
    // Conversation posts near the context cap: 2 000 of them would be ~100 MB in memory.
    let line = "x".repeat(1000);
    let context: Vec<String> = vec![line; 45];
    let heavy = |i: usize| {
        let body = serde_json::json!({"text": format!("h{i}"), "context": context});
        parse_new_comment(body.to_string().as_bytes()).expect("valid")
    };
    for i in 0..400 {
        log.append(heavy(i), &mut gen, "d", T0 + i as u64)
            .expect("append");
    }
    let held = log.tail_bytes().expect("loaded");
    assert!(held <= tail::TAIL_BYTES_CAP, "{held}");
    let kept = log.tail_len().expect("loaded");
    assert!(kept < 400 && kept > 100, "{kept}");
    // What left memory is still read, from storage, in order: in pages of at most
    // MAX_PAGE_BYTES, each saying more remain, so a read never holds them all.
    let drain = |log: &mut Log<&MemoryStore>| {
        let (mut all, mut cursor, mut pages) = (Vec::new(), "s0".to_string(), 0);
        loop {
            let page = log
                .read(&query(&format!("after={cursor}&limit=1000")))
                .expect("read");
            pages += 1;
            let bytes: usize = page
                .comments
                .iter()
                .map(|c| serde_json::to_string(c).map_or(0, |j| j.len()))
                .sum();
            assert!(bytes <= super::MAX_PAGE_BYTES, "{bytes}");
            all.extend(page.comments.into_iter().map(|c| c.text));
            cursor = page.cursor.expect("cursor");
            if !page.has_more {
                return (all, pages);
            }
        }
    };
    let (all, pages) = drain(&mut log);
    assert_eq!(all.len(), 400);
    assert!(pages >= 9, "{pages} pages for ~19 MB");
    assert_eq!((all[0].as_str(), all[399].as_str()), ("h0", "h399"));
    let newest = log.read(&query("limit=1000")).expect("read");
    assert!(newest.has_more && newest.comments.len() < 100);
    assert_eq!(
        newest.comments.last().map(|c| c.text.as_str()),
        Some("h399")
    );
    // A woken object loads its tail in pages up to the same cap, not 2 000 rows at once.
    let mut woken = Log::open(&store).expect("open");
    woken.read(&query("limit=1")).expect("warm");
    let held = woken.tail_bytes().expect("loaded");
    assert!(held <= tail::TAIL_BYTES_CAP + 300 * 1024, "{held}");
    assert_eq!(drain(&mut woken).0.len(), 400);
}

#[test]
fn imports_pass_the_same_rules_as_posts_and_times_are_bounded() {
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    let ok = new("fine").into_comment("ok1".into(), T0, "orig.example");
    let mut hidden = new("x").into_comment("hid1".into(), T0 + 1, "orig.example");
    hidden.text = "\u{206A}\u{206F}".into();
    let mut name = new("y").into_comment("name1".into(), T0 + 2, "orig.example");
    name.username = Some("a\u{2028}b".into());
    let future = new("z").into_comment("fut1".into(), 1 << 60, "orig.example");
    let report = log.import(vec![ok, hidden, name, future]).expect("import");
    assert_eq!(report.imported, 1);
    let refused: Vec<(&str, bool)> = report
        .refused
        .iter()
        .map(|r| (r.id.as_str(), !r.reason.is_empty()))
        .collect();
    assert_eq!(refused, [("hid1", true), ("name1", true), ("fut1", true)]);
    assert!(
        report.refused[0].reason.contains("text"),
        "{:?}",
        report.refused
    );
    assert!(
        report.refused[1].reason.contains("username"),
        "{:?}",
        report.refused
    );
    assert_eq!(log.total(), 1);
}

#[test]
fn a_bot_reply_closes_what_it_answers_in_the_same_command() {
    use super::command::{serve, Command};
    let store = MemoryStore::new();
    let mut log = Log::open(&store).expect("open");
    let ask = |text: &str| {
        parse_new_comment(
            format!(r#"{{"text":"{text}","botParams":{{"processed":false}}}}"#).as_bytes(),
        )
        .expect("valid")
    };
    let reply = |to: &str| {
        parse_new_comment(
            format!(r#"{{"text":"answer","message-type":"AI","replyTo":"{to}"}}"#).as_bytes(),
        )
        .expect("valid")
    };
    let append = |log: &mut Log<&MemoryStore>, c: NewComment, network: Option<&str>| {
        let command = Command::Append {
            comment: Box::new(c),
            default_domain: "example.org".into(),
            network: network.map(str::to_owned),
        };
        serve(log, command, ids(), T0).expect("serve")
    };
    let q = append(&mut log, ask("who is there?"), Some("net:a")).changed;
    let Some(Change::Comment(question)) = q.first() else {
        panic!("the question is pushed")
    };
    let id = question.comment.id.clone();
    // A person's reply does not close it: only the bot credential may.
    let before = store.usage();
    append(&mut log, reply(&id), Some("net:b"));
    let plain = store.usage() - before;
    assert!(log
        .find(&id)
        .expect("find")
        .expect("stored")
        .comment
        .awaits_bot());

    let before = store.usage();
    let served = append(&mut log, reply(&id), None);
    let used = store.usage() - before;
    let original = log.find(&id).expect("find").expect("stored");
    assert!(!original.comment.awaits_bot(), "closed by the reply");
    // The reply, then the closed comment: both pushed, one command, one more row written.
    let pushed: Vec<(&str, MessageType)> = served
        .changed
        .iter()
        .map(|c| match c {
            Change::Comment(e) => (e.comment.id.as_str(), e.comment.message_type),
            Change::Removed(id) => (id.as_str(), MessageType::Human),
        })
        .collect();
    assert_eq!(pushed.len(), 2);
    assert_eq!(pushed[1], (id.as_str(), MessageType::Human));
    assert_eq!(
        used.rows_written,
        plain.rows_written + 1,
        "{used:?} vs {plain:?}"
    );
    // A second reply finds nothing to close and writes nothing for it.
    let again = append(&mut log, reply(&id), None);
    assert_eq!(again.changed.len(), 1);
}
