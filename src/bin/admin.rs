//! The operator page (`/admin`): a binary of its own, so the readers' page stays small.
// The page's modules live beside the readers' (src/admin/), compiled into this binary only.
#[path = "../admin/mod.rs"]
mod admin;

use admin::AdminPage;
use leptos::prelude::*;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(|| view! { <AdminPage /> });
}
