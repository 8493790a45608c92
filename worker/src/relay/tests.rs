use saywhatwant_wire::{parse_new_comment, Comment, Cursor, MessageType};

use super::*;

fn comment(id: &str) -> Comment {
    parse_new_comment(format!(r#"{{"text":"t{id}"}}"#).as_bytes())
        .expect("valid")
        .into_comment(id.to_owned(), 1_000, "d")
}

fn item(seq: u64) -> Item {
    Item {
        seq,
        comment: comment(&format!("c{seq}")),
        update: false,
    }
}

/// A round of the new comments numbered `from + 1 ..= to`.
fn round(from: u64, to: u64) -> Round {
    Round {
        from,
        to,
        items: (from + 1..=to).map(item).collect(),
        removed: Vec::new(),
        online: None,
    }
}

fn seqs(r: &Round) -> Vec<u64> {
    r.items.iter().map(|i| i.seq).collect()
}

fn forwarded(a: Arrival) -> Round {
    match a {
        Arrival::Forward(r) => r,
        Arrival::Gap { after } => panic!("a gap after {after}"),
    }
}

#[test]
fn rounds_in_order_are_forwarded_and_a_repeat_forwards_nothing_twice() {
    let mut relay = Relay::default();
    assert_eq!(seqs(&forwarded(relay.arrive(round(10, 12)))), [11, 12]);
    assert_eq!(seqs(&forwarded(relay.arrive(round(12, 13)))), [13]);
    assert_eq!(relay.head(), Some(13));
    // The log sent round 12 → 13 again (a retry): nothing new in it.
    let again = forwarded(relay.arrive(round(12, 13)));
    assert!(again.items.is_empty());
    // Overlapping: only what is above the head.
    assert_eq!(seqs(&forwarded(relay.arrive(round(11, 15)))), [14, 15]);
    assert_eq!(relay.head(), Some(15));
}

#[test]
fn a_gap_is_fetched_before_anything_is_forwarded() {
    let mut relay = Relay::default();
    relay.start_at(20);
    assert_eq!(relay.arrive(round(22, 23)), Arrival::Gap { after: 20 });
    assert_eq!(relay.head(), Some(20), "nothing forwarded");
    // The log's answer: everything after 20 (23 included by then).
    let got = relay.recovered(round(20, 23));
    assert_eq!(seqs(&got), [21, 22, 23]);
    assert_eq!((got.from, got.to), (20, 23));
    // The round that showed the gap is then old news.
    assert!(forwarded(relay.arrive(round(22, 23))).items.is_empty());
}

#[test]
fn changes_and_takedowns_always_pass_and_keep_the_tail_current() {
    let mut relay = Relay::default();
    forwarded(relay.arrive(round(0, 3)));
    let mut changed = item(2);
    changed.update = true;
    changed.comment.text = "edited".into();
    let r = forwarded(relay.arrive(Round {
        from: 3,
        to: 3,
        items: vec![changed],
        removed: vec!["c1".into()],
        online: None,
    }));
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.removed, ["c1"]);
    let frames = relay
        .resume(Some(&Cursor::Seq(0)), &Filter::default())
        .expect("covered");
    let texts: Vec<&str> = frames[0].comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["edited", "tc3"], "c1 taken down, c2 as changed");
    assert_eq!(frames[0].removed, ["c1"]);
}

#[test]
fn a_socket_gets_what_it_reads_and_lacks() {
    let mut r = round(4, 6);
    r.items[1].comment.message_type = MessageType::Ai;
    let humans = Filter {
        message_type: Some(MessageType::Human),
        domain: None,
    };
    let f = frame_for(&r, &humans, 0).expect("one for humans");
    assert_eq!(f.comments.len(), 1);
    assert_eq!(f.cursor.as_deref(), Some("s6"));
    // Joined at 5 (its backlog had c5): only c6, which is not for it.
    assert!(frame_for(&r, &humans, 5).is_none());
    // Joined ahead of the round (the log's head when it joined): its cursor never goes back.
    r.removed.push("x".into());
    let ahead = frame_for(&r, &Filter::default(), 9).expect("the takedown");
    assert!(ahead.comments.is_empty());
    assert_eq!(ahead.cursor.as_deref(), Some("s9"));
}

#[test]
fn a_reconnecting_socket_resumes_from_the_tail_when_it_covers_the_cursor() {
    let mut relay = Relay::default();
    assert!(relay.resume(None, &Filter::default()).is_none(), "unknown");
    relay.start_at(100);
    forwarded(relay.arrive(round(100, 450)));
    let frames = relay
        .resume(Some(&Cursor::Seq(120)), &Filter::default())
        .expect("covered");
    let sizes: Vec<usize> = frames.iter().map(|f| f.comments.len()).collect();
    assert_eq!(sizes, [200, 130]);
    assert_eq!(frames[0].comments[0].id, "c121");
    assert!(frames[0].has_more && !frames[1].has_more);
    assert_eq!(frames[1].cursor.as_deref(), Some("s450"));
    let now = relay.resume(None, &Filter::default()).expect("from now");
    assert_eq!(now.len(), 1);
    assert!(now[0].comments.is_empty());
    // Before the tail, ahead of the head, or a time cursor: the log answers.
    assert!(relay
        .resume(Some(&Cursor::Seq(99)), &Filter::default())
        .is_none());
    assert!(relay
        .resume(Some(&Cursor::Seq(451)), &Filter::default())
        .is_none());
    let time = Cursor::Time {
        timestamp: 5,
        id: None,
    };
    assert!(relay.resume(Some(&time), &Filter::default()).is_none());
}

#[test]
fn the_tail_is_bounded_and_says_what_it_no_longer_covers() {
    let mut relay = Relay::default();
    let n = TAIL_ITEMS as u64 + 10;
    forwarded(relay.arrive(round(0, n)));
    assert!(relay
        .resume(Some(&Cursor::Seq(5)), &Filter::default())
        .is_none());
    let from_floor = relay
        .resume(Some(&Cursor::Seq(10)), &Filter::default())
        .expect("the floor is covered");
    let total: usize = from_floor.iter().map(|f| f.comments.len()).sum();
    assert_eq!(total, TAIL_ITEMS);
    relay.forget();
    assert_eq!(relay.head(), None);
}

#[test]
fn a_woken_relay_stands_where_its_sockets_say() {
    let seat = |at: Option<u64>, keeps: Option<u64>| Seat {
        at,
        keeps,
        ..Seat::default()
    };
    assert_eq!(standing(&[]), None);
    assert_eq!(standing(&[seat(None, None)]), None, "still joining");
    assert_eq!(
        standing(&[
            seat(Some(5), None),
            seat(Some(7), Some(40)),
            seat(Some(9), None)
        ]),
        Some(40)
    );
    assert_eq!(
        standing(&[seat(Some(5), None), seat(Some(9), None)]),
        Some(9)
    );
}

#[test]
fn readers_online_passes_through_with_its_round_even_an_empty_one() {
    let mut relay = Relay::default();
    relay.start_at(0);
    let r = forwarded(relay.arrive(round(0, 2)));
    assert_eq!(r.online, None);
    let presence = Round {
        online: Some(7),
        ..round(2, 2)
    };
    let r = forwarded(relay.arrive(presence));
    assert_eq!((r.online, r.items.len()), (Some(7), 0));
    assert_eq!(relay.head(), Some(2));
}

#[test]
fn what_the_relay_sends_keeps_a_socket_from_idling_to_the_grain() {
    const T: u64 = 1_761_239_864_515;
    let s = Seat {
        opened: T,
        ..Seat::default()
    };
    assert_eq!(s.quiet_since(), T);
    // The first send moves `sent`; the next ones within the grain write nothing.
    let s = s.sent_at(T + 5_000).expect("moves");
    assert_eq!(s.quiet_since(), T + 5_000);
    assert!(s.sent_at(T + 5_000 + SENT_GRAIN_MS - 1).is_none());
    let s = s.sent_at(T + 5_000 + SENT_GRAIN_MS).expect("moves again");
    assert_eq!(s.quiet_since(), T + 5_000 + SENT_GRAIN_MS);
}
