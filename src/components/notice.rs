use leptos::prelude::*;
use web_sys::Element;

/// A one-time message about the page itself (history storage not working), dismissable
/// (`data-act="dismiss"`, an [`Act`](crate::components::act::Act), handled by the page's one click listener).
///
/// The element is always there and hidden when there is nothing to say; it carries its
/// `data-testid` only while shown. It is filled by [`show`] from the stream's one DOM effect
/// (`filter_bar::follow`): reactive attributes and text of its own would cost about half a
/// kilobyte of the page's size budget for one rarely seen line.
#[component]
pub fn Notice() -> impl IntoView {
    view! {
        <p class="notice" role="status" hidden>
            <span></span>
            <button type="button" aria-label="Dismiss" data-act="dismiss">
                "×"
            </button>
        </p>
    }
}

/// Shows `msg` in the notice element `el`, or hides it.
pub fn show(el: &Element, msg: Option<&str>) {
    let _ = match msg {
        Some(_) => el.set_attribute("data-testid", "storage-notice"),
        None => el.remove_attribute("data-testid"),
    };
    let _ = el.toggle_attribute_with_force("hidden", msg.is_none());
    if let Some(span) = el.first_element_child() {
        span.set_text_content(msg);
    }
}
