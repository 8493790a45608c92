use leptos::prelude::*;

/// Searches text and names of everything this browser has kept, once typing pauses. What typing
/// does is in `row_events` (the document's one listener: a handler of its own here would cost
/// another copy of Leptos's event code).
#[component]
pub fn SearchBox() -> impl IntoView {
    view! {
        <input
            type="search"
            class="search"
            data-testid="search-input"
            placeholder="Search"
            aria-label="Search comments"
        />
    }
}
