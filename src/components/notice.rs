use leptos::prelude::*;

/// A one-time message about the page itself (history storage not working), dismissable.
#[component]
pub fn Notice(notice: RwSignal<Option<&'static str>>) -> impl IntoView {
    let hidden = Signal::derive(move || notice.with(Option::is_none));
    let text = Signal::derive(move || notice.get().unwrap_or_default().to_owned());
    view! {
        <p class="notice" role="status" data-testid="storage-notice" hidden=hidden>
            <span>{text}</span>
            <button type="button" aria-label="Dismiss" on:click=move |_| notice.set(None)>
                "×"
            </button>
        </p>
    }
}
