//! The IndexedDB layer and the component's behaviour, in headless Chromium
//! (`scripts/test-wasm.sh`). The network is the fake in `fake_server`.

mod codec;
mod composer;
mod fake_server;
mod filters;
mod store;
mod stream;
mod view;

use std::cell::Cell;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::config::Settings;
use crate::CommentsStream;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Settings for one test: fast polling and its own IndexedDB database and localStorage keys,
/// so tests never see each other's data.
pub fn settings(name: &str) -> Settings {
    thread_local!(static RUN: Cell<u32> = const { Cell::new(0) });
    let run = RUN.with(|r| {
        r.set(r.get() + 1);
        r.get()
    });
    let unique = format!("{name}-{}-{run}", js_sys::Date::now() as u64);
    Settings {
        api_base: "/api".into(),
        db_name: format!("test-{unique}"),
        storage_prefix: format!("test-{unique}."),
        poll_interval_ms: 40,
        hidden_interval_ms: 40,
        max_backoff_ms: 160,
        request_timeout_ms: 2_000,
        // The fake server has no live channel; the real one is tested end to end (tests/).
        push: false,
        ..Settings::default()
    }
}

/// A fresh fake server and the settings of a page that talks to it.
pub fn setup(
    name: &str,
) -> (
    std::rc::Rc<std::cell::RefCell<fake_server::Server>>,
    Settings,
) {
    let mut s = settings(name);
    s.api_base = format!("/{}/api", s.storage_prefix.trim_end_matches('.'));
    (fake_server::reset(&s), s)
}

/// A mounted page in a box of its own size; unmounted (and its polling stopped) on drop.
pub struct Page {
    pub root: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Page {
    pub fn mount(settings: Settings) -> Page {
        let doc = document();
        // The real stylesheet: scrolling, `hidden` and layout depend on it.
        if doc.get_element_by_id("app-css").is_none() {
            let style = doc.create_element("style").unwrap();
            style.set_id("app-css");
            style.set_text_content(Some(include_str!("../../style/main.css")));
            doc.head().unwrap().append_child(&style).unwrap();
        }
        let root: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
        root.style().set_property("height", "400px").unwrap();
        root.style().set_property("display", "flex").unwrap();
        doc.body().unwrap().append_child(&root).unwrap();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            view! { <CommentsStream settings /> }.into_any()
        });
        Page {
            root,
            _handle: handle,
        }
    }

    pub fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn one(&self, selector: &str) -> HtmlElement {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector}"))
            .unchecked_into()
    }

    /// The ids of the comment rows, in page order.
    pub fn ids(&self) -> Vec<String> {
        self.all("[data-testid=comment]")
            .iter()
            .filter_map(|e| e.get_attribute("data-id"))
            .collect()
    }

    pub fn texts(&self) -> Vec<String> {
        self.all("[data-testid=comment-text]")
            .iter()
            .filter_map(|e| e.text_content())
            .collect()
    }

    pub fn status(&self) -> String {
        self.one("[data-testid=connection-status]")
            .get_attribute("data-state")
            .unwrap_or_default()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Waits (up to 5 s) until `cond` holds.
pub async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..250 {
        if cond() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting until {what}");
}

pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}
