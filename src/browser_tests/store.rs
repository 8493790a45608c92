//! The IndexedDB layer against the browser's real IndexedDB.

use wasm_bindgen_test::wasm_bindgen_test;

use super::settings;
use crate::store::Store;
use crate::timeline::tests::comment;
use crate::timeline::Pos;

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
        .put_all(&[comment(30, "c"), comment(10, "a"), comment(20, "b")])
        .await
        .unwrap();
    let mut edited = comment(20, "b");
    edited.misc = "processed".into();
    store.put_all(&[edited, comment(40, "d")]).await.unwrap();
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
    store.put_all(&all).await.unwrap();
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
    store.put_all(&many).await.unwrap();
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
    store.put_all(&[comment(1, "ok")]).await.unwrap();
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
