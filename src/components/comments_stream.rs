use leptos::prelude::*;

use crate::browser::{now_ms, utc_offset_min};
use crate::components::composer::Composer;
use crate::components::connection_status::ConnectionStatus;
use crate::components::filter_bar::FilterBar;
use crate::components::message_list::MessageList;
use crate::components::notice::Notice;
use crate::components::row_events;
use crate::config::Settings;
use crate::prefs::Prefs;
use crate::state::StreamState;
use crate::sync::Stream;

/// The whole page: the live stream of comments and the composer under it.
#[component]
pub fn CommentsStream(#[prop(optional)] settings: Option<Settings>) -> impl IntoView {
    let settings = settings.unwrap_or_default();
    let prefs = Prefs::new(&settings.storage_prefix);
    let state = StreamState::new(now_ms(), prefs.draft());
    let (window_rows, chunk_rows) = (settings.window_rows, settings.chunk_rows);
    let running = Stream::start(settings, state, prefs.clone());
    let stop = StoredValue::new_local(running.clone());
    // Cleanups run before the owner's values are dropped, so the stream is still reachable.
    on_cleanup(move || stop.try_with_value(Stream::stop).unwrap_or_default());
    let stream = StoredValue::new_local(running);
    let utc_offset_min = utc_offset_min();

    view! {
        <div class="app" on:click=move |ev| row_events::on_click(ev, state, stream)>
            <header class="top">
                <h1>"Say What Want"</h1>
                <ConnectionStatus status=state.status />
            </header>
            <main class="stream">
                <Notice />
                <FilterBar />
                <MessageList state stream window_rows chunk_rows utc_offset_min />
            </main>
            <footer class="bottom">
                <Composer draft=state.draft prefs stream />
            </footer>
        </div>
    }
}
