use leptos::prelude::*;
use saywhatwant::CommentsStream;

fn main() {
    leptos::mount::mount_to_body(|| view! { <CommentsStream /> });
}
