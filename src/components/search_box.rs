use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::config::SEARCH_DEBOUNCE_MS;
use crate::sync::Stream;

/// Searches text and names of everything this browser has kept, once typing pauses.
#[component]
pub fn SearchBox(stream: StoredValue<Stream, LocalStorage>) -> impl IntoView {
    // Each key replaces (and so cancels) the wait of the one before.
    let waiting = StoredValue::new_local(None::<Timeout>);
    view! {
        <input
            type="search"
            class="search"
            data-testid="search-input"
            placeholder="Search"
            aria-label="Search comments"
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                let search = Timeout::new(SEARCH_DEBOUNCE_MS, move || {
                    stream.with_value(|s| s.search(&typed));
                });
                waiting.set_value(Some(search));
            }
        />
    }
}
