//! The view: one component per file, reading the signals in `state`.

pub mod act;
pub mod alert_status;
pub mod colour_grid;
pub mod comments_stream;
pub mod composer;
pub mod connection_status;
pub mod filter_bar;
pub mod message_list;
pub mod message_menu;
pub mod notice;
pub mod row_events;
pub mod rows;
pub mod search_box;
pub mod video_drawer;

pub use comments_stream::CommentsStream;
