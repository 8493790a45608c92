use leptos::prelude::*;
use saywhatwant::CommentsStream;

// Talc in place of the default dlmalloc: a few KB less to download, and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // The static "Loading…" line in index.html, shown while the wasm downloads.
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(|| view! { <CommentsStream /> });
}
