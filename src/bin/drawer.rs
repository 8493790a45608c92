//! The video drawer (`/drawer/`): a binary of its own, shown in a frame by the readers' page
//! the first time a reader opens it, so the page itself stays small (src/drawer/).
#[path = "../drawer/mod.rs"]
mod drawer;

use drawer::DrawerPage;
use leptos::prelude::*;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    leptos::mount::mount_to_body(|| view! { <DrawerPage /> });
}
