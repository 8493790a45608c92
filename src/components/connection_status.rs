use leptos::prelude::*;

use crate::poll::Status;

/// Live, connecting or offline: `data-state` is part of the page contract.
#[component]
pub fn ConnectionStatus(status: RwSignal<Status>) -> impl IntoView {
    let state = Signal::derive(move || status.get().as_str().to_owned());
    let label = Signal::derive(move || {
        match status.get() {
            Status::Connecting => "Connecting…",
            Status::Live => "Live",
            Status::Offline => "Offline, retrying",
        }
        .to_owned()
    });
    view! {
        <p
            class="status"
            data-testid="connection-status"
            data-state=state
            role="status"
        >
            <span class="dot" aria-hidden="true"></span>
            {label}
        </p>
    }
}
