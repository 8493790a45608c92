use leptos::prelude::*;

/// A one-time message about the page itself (history storage not working), dismissable.
///
/// The element is always there and hidden when there is nothing to say; it carries its
/// `data-testid` only while shown. (Rendering it conditionally would cost a kilobyte of the
/// page's size budget for one rarely seen line.)
#[component]
pub fn Notice(notice: RwSignal<Option<&'static str>>) -> impl IntoView {
    let hidden = Signal::derive(move || notice.with(Option::is_none));
    let testid = Signal::derive(move || {
        if notice.with(Option::is_some) {
            "storage-notice"
        } else {
            ""
        }
        .to_owned()
    });
    let text = Signal::derive(move || notice.get().unwrap_or_default().to_owned());
    view! {
        <p class="notice" role="status" data-testid=testid hidden=hidden>
            <span>{text}</span>
            <button type="button" aria-label="Dismiss" data-act="dismiss">
                "×"
            </button>
        </p>
    }
}
