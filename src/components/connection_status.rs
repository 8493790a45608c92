use leptos::prelude::*;

use crate::model::poll::Status;
use crate::model::push::Via;

/// Live, connecting or offline, and by which path: `data-state` and `data-channel` are part
/// of the page contract.
#[component]
pub fn ConnectionStatus(status: RwSignal<Status>, via: RwSignal<Via>) -> impl IntoView {
    let state = Signal::derive(move || status.get().as_str().to_owned());
    let channel = Signal::derive(move || via.get().as_str().to_owned());
    let label = Signal::derive(move || {
        match (status.get(), via.get()) {
            (Status::Connecting, _) => "Connecting…",
            (Status::Live, Via::Push) => "Live",
            (Status::Live, Via::Poll) => "Live (checking every 5 s)",
            (Status::Offline, _) => "Offline, retrying",
        }
        .to_owned()
    });
    view! {
        <p
            class="status"
            data-testid="connection-status"
            data-state=state
            data-channel=channel
            role="status"
        >
            <span class="dot" aria-hidden="true"></span>
            {label}
        </p>
    }
}
