use leptos::prelude::*;
use saywhatwant::CommentsStream;

fn main() {
    // The static "Loading…" line in index.html, shown while the wasm downloads.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(|| view! { <CommentsStream /> });
}
