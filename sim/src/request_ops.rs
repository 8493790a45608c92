//! What one request of each kind does, in billed units, per design: the counts the monthly
//! model in [`crate::costs`] multiplies. `tests/costs.rs` runs each design's own code (the
//! original's reimplementation, the old KV modules, the log over its counting store) and
//! asserts these exact counts, so a change to the code that changes a cost fails there.
//!
//! Where a design's code is not reproduced (the original's PATCH and stats), the count is a
//! lower bound, and says so.

use crate::prices::Usage;

pub const NONE: Usage = Usage {
    worker_requests: 0.0,
    do_requests: 0.0,
    ws_messages_in: 0.0,
    busy_ms: 0.0,
    rows_read: 0.0,
    rows_written: 0.0,
    kv_reads: 0.0,
    kv_writes: 0.0,
    kv_lists: 0.0,
};

/// `original::fresh_poll`: one list, plus one get per new key (added per poll).
pub const ORIGINAL_POLL: Usage = Usage {
    worker_requests: 1.0,
    kv_lists: 1.0,
    ..NONE
};
/// `original::post_read` + `post_write`: the key, then the cache read and written back.
pub const ORIGINAL_POST: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 1.0,
    kv_writes: 2.0,
    ..NONE
};
/// `original::cached_read`: the bot's poll and the bulk load.
pub const ORIGINAL_CACHE_READ: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 1.0,
    ..NONE
};
/// Lower bound: a list to find the key, a get, a put.
pub const ORIGINAL_PATCH: Usage = Usage {
    worker_requests: 1.0,
    kv_lists: 1.0,
    kv_reads: 1.0,
    kv_writes: 1.0,
    ..NONE
};
/// Lower bound: one list page.
pub const ORIGINAL_STATS: Usage = Usage {
    worker_requests: 1.0,
    kv_lists: 1.0,
    ..NONE
};

/// `old_kv::fresh::read` through the edge cache: the list is counted in the shared-list line.
pub const OLD_POLL: Usage = Usage {
    worker_requests: 1.0,
    ..NONE
};
pub const KV_LIST: Usage = Usage {
    kv_lists: 1.0,
    ..NONE
};
/// The bot's read of the newest 100: one list of the top page (counted unshared).
pub const OLD_BOT_POLL: Usage = Usage {
    worker_requests: 1.0,
    kv_lists: 1.0,
    ..NONE
};
/// `old_kv::comments::post`, new id: the id index looked up, then it and the comment written.
pub const OLD_POST: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 1.0,
    kv_writes: 2.0,
    ..NONE
};
/// `old_kv::comments::patch`: the id index, the comment, the comment written.
pub const OLD_PATCH: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 2.0,
    kv_writes: 1.0,
    ..NONE
};
/// Stats and bulk load answered from the `recent:comments` view.
pub const OLD_VIEW_READ: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 1.0,
    ..NONE
};
/// The background rebuild: load the view, list the top page, store the view.
pub const OLD_VIEW_REBUILD: Usage = Usage {
    kv_reads: 1.0,
    kv_lists: 1.0,
    kv_writes: 1.0,
    ..NONE
};
/// The old view's refresh age (`REFRESH_AFTER_MS` in the old `recent.rs`).
pub const OLD_VIEW_REFRESH_S: f64 = 10.0;

/// A poll, the bot's poll or stats, answered from the object's in-memory tail.
pub const LOG_READ: Usage = Usage {
    worker_requests: 1.0,
    do_requests: 1.0,
    ..NONE
};
/// A new id: looked up in the store's in-memory index (no row), and one row written: the
/// log's tables have no SQL index (issue 16; until then 5 rows, the row and 4 index entries).
pub const LOG_POST: Usage = Usage {
    worker_requests: 1.0,
    do_requests: 1.0,
    rows_read: 0.0,
    rows_written: 1.0,
    ..NONE
};
pub const LOG_PATCH: Usage = Usage {
    worker_requests: 1.0,
    do_requests: 1.0,
    rows_read: 1.0,
    rows_written: 1.0,
    ..NONE
};
/// A bot's reply closing the comment it answers, inside the reply's own commit: no request
/// of its own, one lookup (an upper bound: the tail usually holds it) and one row written.
pub const LOG_REPLY_CLOSES: Usage = Usage {
    rows_read: 1.0,
    rows_written: 1.0,
    ..NONE
};
/// The bulk load: the Worker reads the KV recent view; the object is not asked.
pub const LOG_BULK: Usage = Usage {
    worker_requests: 1.0,
    kv_reads: 1.0,
    ..NONE
};
/// The view alarm: an alarm invocation and one KV write.
pub const LOG_ALARM: Usage = Usage {
    do_requests: 1.0,
    kv_writes: 1.0,
    ..NONE
};
/// A socket opened through the Worker to the object.
pub const PUSH_CONNECT: Usage = Usage {
    worker_requests: 1.0,
    do_requests: 1.0,
    ..NONE
};
pub const PUSH_PING: Usage = Usage {
    ws_messages_in: 1.0,
    ..NONE
};
