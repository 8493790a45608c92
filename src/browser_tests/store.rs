//! The IndexedDB layer against the browser's real IndexedDB.

use wasm_bindgen_test::wasm_bindgen_test;

use super::settings;
use crate::model::timeline::tests::comment;
use crate::model::timeline::Pos;
use crate::sync::store::Store;

async fn open(name: &str) -> Store {
    Store::open(&settings(name).db_name)
        .await
        .expect("IndexedDB opens")
}

fn ids(v: &[saywhatwant_wire::Comment]) -> Vec<&str> {
    v.iter().map(|c| c.id.as_str()).collect()
}

#[wasm_bindgen_test]
async fn keeps_comments_by_id_and_reads_the_newest_in_time_order() {
    let store = open("store-newest").await;
    store
        .put_all(&[comment(30, "c"), comment(10, "a"), comment(20, "b")], &[])
        .await
        .unwrap();
    let mut edited = comment(20, "b");
    edited.misc = "processed".into();
    store
        .put_all(&[edited, comment(40, "d")], &[])
        .await
        .unwrap();
    assert_eq!(
        store.count().await.unwrap(),
        4,
        "a second copy of an id replaces the first"
    );
    let newest = store.newest(3).await.unwrap();
    assert_eq!(ids(&newest), ["b", "c", "d"]);
    assert_eq!(newest[0].misc, "processed");
    assert_eq!(newest[0], {
        let mut b = comment(20, "b");
        b.misc = "processed".into();
        b
    });
    // Taken down by the operator: deleted in the same transaction as the next save.
    store
        .put_all(&[comment(50, "e")], &["c".into(), "nope".into()])
        .await
        .unwrap();
    assert_eq!(ids(&store.newest(10).await.unwrap()), ["a", "b", "d", "e"]);
}

#[wasm_bindgen_test]
async fn pages_back_through_history_across_equal_timestamps() {
    let store = open("store-before").await;
    // In the stream's order: a(1) z(5) y(5) x(5) w(5) b(9)
    let all = [
        comment(1, "a"),
        comment(5, "x"),
        comment(5, "z"),
        comment(5, "w"),
        comment(5, "y"),
        comment(9, "b"),
    ];
    store.put_all(&all, &[]).await.unwrap();
    let older = store.before(&Pos::of(&comment(5, "x")), 10).await.unwrap();
    let mut got = ids(&older);
    got.sort_unstable();
    assert_eq!(
        got,
        ["a", "y", "z"],
        "everything before x, including its millisecond's earlier ones"
    );
    // A chunk smaller than the ties still makes progress.
    let chunk = store.before(&Pos::of(&comment(5, "w")), 2).await.unwrap();
    assert!(
        !chunk.is_empty()
            && chunk
                .iter()
                .all(|c| Pos::of(&comment(5, "w")).locate(c).is_lt())
    );
    assert!(store
        .before(&Pos::of(&comment(1, "a")), 10)
        .await
        .unwrap()
        .is_empty());
}

#[wasm_bindgen_test]
async fn prunes_the_oldest_beyond_the_cap() {
    let store = open("store-prune").await;
    let many: Vec<_> = (0..30)
        .map(|i| comment(1_000 + i, &format!("c{i:02}")))
        .collect();
    store.put_all(&many, &[]).await.unwrap();
    assert_eq!(store.prune(40).await.unwrap(), 0);
    assert_eq!(store.prune(25).await.unwrap(), 5);
    assert_eq!(store.count().await.unwrap(), 25);
    let oldest = store.newest(25).await.unwrap();
    assert_eq!(oldest[0].id, "c05", "the five oldest went");
}

#[wasm_bindgen_test]
async fn skips_records_it_cannot_read() {
    let name = settings("store-foreign").db_name;
    let store = Store::open(&name).await.unwrap();
    store.put_all(&[comment(1, "ok")], &[]).await.unwrap();
    // A record from some other version of the page, without the fields this one needs.
    let db = rexie::Rexie::builder(&name).build().await.unwrap();
    let tx = db
        .transaction(&["messages"], rexie::TransactionMode::ReadWrite)
        .unwrap();
    let odd = js_sys::JSON::parse(r#"{"id":"odd","timestamp":2,"text":5}"#).unwrap();
    tx.store("messages").unwrap().put(&odd, None).await.unwrap();
    tx.done().await.unwrap();
    assert_eq!(ids(&store.newest(10).await.unwrap()), ["ok"]);
}

#[wasm_bindgen_test]
async fn search_reads_everything_stored_and_measures_ten_thousand() {
    let store = open("store-search").await;
    for chunk in 0..10 {
        let batch: Vec<_> = (0..1_000)
            .map(|i| {
                let n = chunk * 1_000 + i;
                let mut c = comment(1_000 + n, &format!("k{n:05}"));
                // One in a hundred says the word, in any case; one more is by "Needler".
                if n % 100 == 7 {
                    c.text = format!("a NeEdLe in comment {n}");
                }
                if n == 5_000 {
                    c.username = Some("Needler".into());
                }
                c
            })
            .collect();
        store.put_all(&batch, &[]).await.unwrap();
    }
    let started = js_sys::Date::now();
    let found = store.search("needle", 500, || true).await.unwrap().unwrap();
    let ms = js_sys::Date::now() - started;
    web_sys::console::log_1(&format!("search over 10 000 stored comments: {ms} ms").into());
    assert_eq!(found.len(), 101);
    assert_eq!(found[0].id, "k00007", "oldest first");
    assert!(found.iter().any(|c| c.id == "k05000"), "usernames too");
    let newest = store.search("needle", 3, || true).await.unwrap().unwrap();
    assert_eq!(
        ids(&newest),
        ["k09707", "k09807", "k09907"],
        "the newest matches"
    );
    assert!(store
        .search("nothing like it", 10, || true)
        .await
        .unwrap()
        .is_some_and(|f| f.is_empty()));
}

#[wasm_bindgen_test]
async fn a_search_reads_in_steps_and_the_next_keystroke_stops_it() {
    let store = open("store-search-steps").await;
    // More than two steps of one millisecond: the steps go on past records of equal time.
    let batch: Vec<_> = (0..1_200)
        .map(|i| {
            let mut c = comment(5_000, &format!("s{i:04}"));
            if i % 300 == 0 {
                c.text = format!("match {i}");
            }
            c
        })
        .collect();
    store.put_all(&batch, &[]).await.unwrap();
    let all = store.search("match", 100, || true).await.unwrap().unwrap();
    assert_eq!(all.len(), 4, "each match once: {:?}", ids(&all));
    // A newer search takes over after the first step: this one stops and says so.
    let asked = std::cell::Cell::new(0);
    let stopped = store
        .search("match", 100, || {
            asked.set(asked.get() + 1);
            asked.get() < 2
        })
        .await
        .unwrap();
    assert_eq!(
        (stopped, asked.get()),
        (None, 2),
        "one step read, then stopped"
    );
}

#[wasm_bindgen_test]
async fn over_the_byte_budget_the_oldest_are_evicted() {
    use std::cell::Cell;
    use std::rc::Rc;
    let name = settings("persist-bytes").db_name;
    let kept = Rc::new(Cell::new(0u32));
    let seen = kept.clone();
    // One byte: whatever the browser stores is over it.
    let persist = crate::sync::persist::Persist::new(50_000, 1.0, |_| {}, move |n| seen.set(n));
    let store = persist.open(&name, 5_000).await.expect("opens");
    persist.save(
        (0..100)
            .map(|i| comment(1_000 + i, &format!("b{i:03}")))
            .collect(),
    );
    for _ in 0..100 {
        if kept.get() == 90 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    assert_eq!(store.count().await.unwrap(), 90, "the oldest tenth went");
    assert_eq!(ids(&store.newest(1_000).await.unwrap())[0], "b010");
}

#[wasm_bindgen_test]
async fn opens_the_original_apps_version_4_database_and_keeps_its_records() {
    let name = settings("store-original-v4").db_name;
    // The original app's database: version 4, `messages` keyed by id, three indexes.
    let old = rexie::Rexie::builder(&name)
        .version(4)
        .add_object_store(
            rexie::ObjectStore::new("messages")
                .key_path("id")
                .add_index(rexie::Index::new("timestamp", "timestamp"))
                .add_index(rexie::Index::new("username", "username"))
                .add_index(rexie::Index::new("color", "color")),
        )
        .build()
        .await
        .unwrap();
    let tx = old
        .transaction(&["messages"], rexie::TransactionMode::ReadWrite)
        .unwrap();
    for record in [
        r#"{"id":"old-1","text":"first","timestamp":1000,"username":"ann","color":"rgb(255, 100, 7)"}"#,
        r#"{"id":"old-2","text":"second","timestamp":2000,"username":"bot","color":"096165250","message-type":"AI","replyTo":"old-1","botParams":{"entity":"e"}}"#,
        r#"{"id":"old-3","text":"third","timestamp":3000,"color":"blue","domain":"saywhatwant.app"}"#,
    ] {
        let v = js_sys::JSON::parse(record).unwrap();
        tx.store("messages").unwrap().put(&v, None).await.unwrap();
    }
    tx.done().await.unwrap();
    old.close();

    let store = Store::open(&name)
        .await
        .expect("version 5 opens over version 4");
    let got = store.newest(10).await.unwrap();
    assert_eq!(ids(&got), ["old-1", "old-2", "old-3"]);
    assert_eq!(got[0].color.as_deref(), Some("255100007"));
    assert_eq!(
        (got[0].domain.as_str(), got[0].language.as_str()),
        ("unknown", "en")
    );
    assert_eq!(got[1].message_type, saywhatwant_wire::MessageType::Ai);
    assert_eq!(got[1].reply_to.as_deref(), Some("old-1"));
    assert_eq!(
        got[1].bot_params.as_ref().and_then(|b| b.entity.as_deref()),
        Some("e")
    );
    assert_eq!(
        got[2].color, None,
        "a colour that does not parse is dropped"
    );
    assert_eq!(got[2].domain, "saywhatwant.app");
    // Our own writes still go through the re-created `timestamp` index.
    store.put_all(&[comment(4000, "new")], &[]).await.unwrap();
    assert_eq!(ids(&store.newest(1).await.unwrap()), ["new"]);
}
