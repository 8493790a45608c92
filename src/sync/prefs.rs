//! What the page remembers in localStorage: name, colour, the domain filter, the chips'
//! alerts, the video drawer's settings, the unsent draft and unsent posts.
//!
//! localStorage may be missing or refuse writes (private mode, quota); then nothing is
//! remembered and everything else works the same.

use web_sys::Storage;

use crate::model::draft::{Outgoing, SendState};

#[derive(Clone)]
pub struct Prefs {
    prefix: String,
}

impl Prefs {
    pub fn new(prefix: &str) -> Self {
        Prefs {
            prefix: prefix.to_owned(),
        }
    }

    fn storage() -> Option<Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn get(&self, key: &str) -> Option<String> {
        Self::storage()?
            .get_item(&format!("{}{key}", self.prefix))
            .ok()
            .flatten()
    }

    fn set(&self, key: &str, value: &str) {
        if let Some(s) = Self::storage() {
            let key = format!("{}{key}", self.prefix);
            let _ = if value.is_empty() {
                s.remove_item(&key)
            } else {
                s.set_item(&key, value)
            };
        }
    }

    /// The original app's keys (no prefix), read when ours are absent.
    fn legacy(key: &str) -> Option<String> {
        Self::storage()?.get_item(key).ok().flatten()
    }

    pub fn username(&self) -> String {
        if let Some(name) = self.get("username") {
            return name;
        }
        let old = Self::legacy("sww-username")
            .and_then(|n| crate::model::draft::clean_username(&n))
            .unwrap_or_default();
        self.set_username(&old);
        old
    }

    pub fn set_username(&self, name: &str) {
        self.set("username", name);
    }

    /// `RRRGGGBBB`, or `None` on the first visit.
    pub fn color(&self) -> Option<String> {
        if let Some(c) = self.get("color") {
            return Some(c).filter(|c| saywhatwant_wire::is_valid_color(c));
        }
        let old = Self::legacy("sww-color")
            .and_then(|c| crate::model::color::Rgb::from_legacy(&c))
            .map(crate::model::color::Rgb::to_wire)?;
        self.set_color(&old);
        Some(old)
    }

    pub fn set_color(&self, wire: &str) {
        self.set("color", wire);
    }

    /// The domain filter (only this site's comments); off until the reader turns it on.
    pub fn domain_filter(&self) -> bool {
        self.get("domain-filter").is_some()
    }

    pub fn set_domain_filter(&self, on: bool) {
        self.set("domain-filter", if on { "on" } else { "" });
    }

    /// Whether the video drawer is open (the page's; its settings are the drawer's own).
    pub fn drawer_open(&self) -> bool {
        self.get("drawer").is_some()
    }

    pub fn set_drawer_open(&self, open: bool) {
        self.set("drawer", if open { "open" } else { "" });
    }

    /// The video drawer's settings (`Drawer::encode`), kept by the drawer's page.
    pub fn drawer(&self) -> String {
        self.get("video").unwrap_or_default()
    }

    pub fn set_drawer(&self, encoded: &str) {
        self.set("video", encoded);
    }

    /// The filter chips' alerts (`Alerts::encode`).
    pub fn alerts(&self) -> String {
        self.get("alerts").unwrap_or_default()
    }

    pub fn set_alerts(&self, encoded: &str) {
        self.set("alerts", encoded);
    }

    pub fn draft(&self) -> String {
        self.get("draft").unwrap_or_default()
    }

    pub fn set_draft(&self, text: &str) {
        self.set("draft", text);
    }

    /// Posts not yet confirmed, to send again (same ids) after a reload.
    pub fn outbox(&self) -> Vec<Outgoing> {
        let Some(saved) = self
            .get("outbox")
            .and_then(|json| js_sys::JSON::parse(&json).ok())
        else {
            return Vec::new();
        };
        // Each post is [id, text, username, color, botParams, context]; written by `set_outbox` below. (Plain JS
        // arrays rather than serde: its derived code would cost more than this.)
        js_sys::Array::from(&saved)
            .iter()
            .filter_map(|post| {
                let value = |i| {
                    js_sys::Reflect::get_u32(&post, i)
                        .ok()
                        .filter(|v| v.is_object())
                };
                let field = |i| {
                    js_sys::Reflect::get_u32(&post, i)
                        .ok()
                        .and_then(|v| v.as_string())
                };
                Some(Outgoing {
                    id: field(0).filter(|id| saywhatwant_wire::is_valid_id(id))?,
                    text: field(1)?,
                    username: field(2),
                    color: field(3),
                    bot_params: value(4)
                        .and_then(|v| crate::sync::codec::bot_params(&v))
                        .map(Box::new),
                    context: value(5).and_then(crate::sync::codec::strings),
                    state: SendState::Sending,
                })
            })
            .collect()
    }

    pub fn set_outbox(&self, posts: &[Outgoing]) {
        let list = js_sys::Array::new();
        for p in posts {
            let opt =
                |v: &Option<String>| v.as_deref().map_or(wasm_bindgen::JsValue::NULL, Into::into);
            let context = p.context.as_ref().map_or(wasm_bindgen::JsValue::NULL, |c| {
                c.iter()
                    .map(|s| wasm_bindgen::JsValue::from(s.as_str()))
                    .collect::<js_sys::Array>()
                    .into()
            });
            let bot = p.bot_params.as_deref().map_or(
                wasm_bindgen::JsValue::NULL,
                crate::sync::codec::bot_params_to_js,
            );
            let post = js_sys::Array::of5(
                &p.id.as_str().into(),
                &p.text.as_str().into(),
                &opt(&p.username),
                &opt(&p.color),
                &bot,
            );
            post.push(&context);
            list.push(&post);
        }
        let json = match posts {
            [] => String::new(),
            _ => js_sys::JSON::stringify(&list)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default(),
        };
        self.set("outbox", &json);
    }
}
