//! The operator page (`/admin`): its own small wasm binary (`src/bin/admin.rs`), so readers
//! never download it. It reads the moderation state and sends typed actions
//! (`saywhatwant_wire::moderation::AdminAction`) with the operator credential, which stays in
//! this tab's session storage only. Every comment is shown as text.

mod client;
mod panels;

use leptos::prelude::*;
use saywhatwant_wire::moderation::{AdminAction, ModerationState};
use saywhatwant_wire::Comment;
use wasm_bindgen_futures::spawn_local;

const TOKEN_KEY: &str = "sww-admin-token";
const BOT_URL_KEY: &str = "sww-admin-bot-status";
/// Recent comments listed with take-down buttons.
const RECENT: usize = 50;

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The bot's status address: as set on this page before, else the one `make run` uses (the
/// site's port + 2 on this host).
fn default_bot_url() -> String {
    if let Some(saved) = local().and_then(|s| s.get_item(BOT_URL_KEY).ok().flatten()) {
        return saved;
    }
    let loc = web_sys::window().map(|w| w.location());
    let host = loc
        .as_ref()
        .and_then(|l| l.hostname().ok())
        .unwrap_or_default();
    let port: u32 = loc
        .and_then(|l| l.port().ok())
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    format!("http://{host}:{}/status", port + 2)
}

/// The page's signals, shared by every panel.
#[derive(Clone, Copy)]
pub struct Ops {
    token: RwSignal<Option<String>>,
    state: RwSignal<Option<ModerationState>>,
    recent: RwSignal<Vec<Comment>>,
    status: RwSignal<String>,
    bot_url: RwSignal<String>,
    bots: RwSignal<Option<String>>,
}

impl Ops {
    fn new() -> Self {
        let saved = session().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten());
        Ops {
            token: RwSignal::new(saved),
            state: RwSignal::new(None),
            recent: RwSignal::new(Vec::new()),
            status: RwSignal::new(String::new()),
            bot_url: RwSignal::new(default_bot_url()),
            bots: RwSignal::new(None),
        }
    }

    fn sign_in(self, token: String) {
        if let Some(s) = session() {
            let _ = s.set_item(TOKEN_KEY, &token);
        }
        self.token.set(Some(token));
        self.refresh();
    }

    fn sign_out(self) {
        if let Some(s) = session() {
            let _ = s.remove_item(TOKEN_KEY);
        }
        self.token.set(None);
        self.state.set(None);
    }

    /// Reads the state and the newest comments again.
    pub fn refresh(self) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match client::state(&token).await {
                Ok(s) => self.state.set(Some(s)),
                Err(e) => self.status.set(format!("Could not read the state: {e}")),
            }
            match client::recent(RECENT).await {
                Ok(page) => {
                    let mut newest = page.comments;
                    newest.reverse();
                    self.recent.set(newest);
                }
                Err(e) => self.status.set(format!("Could not read the comments: {e}")),
            }
        });
    }

    /// Sends one action, says how it went, and reads the state again.
    pub fn act(self, action: AdminAction) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match client::act(&token, &action).await {
                Ok(entry) => {
                    self.status
                        .set(format!("Done: #{} {}", entry.n, entry.action.name()));
                    self.refresh();
                }
                Err(e) => self.status.set(format!("Not done: {e}")),
            }
        });
    }

    pub fn check_bots(self) {
        let url = self.bot_url.get_untracked();
        if let Some(s) = local() {
            let _ = s.set_item(BOT_URL_KEY, &url);
        }
        spawn_local(async move {
            match client::bots(&url).await {
                Ok(v) => self
                    .bots
                    .set(Some(serde_json::to_string_pretty(&v).unwrap_or_default())),
                Err(e) => self
                    .bots
                    .set(Some(format!("The bot did not answer at {url}: {e}"))),
            }
        });
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let ops = Ops::new();
    ops.refresh();
    view! {
        <header class="admin-head">
            <h1>"Say What Want: operator"</h1>
            <p role="status" aria-live="polite" data-testid="admin-status">{move || ops.status.get()}</p>
        </header>
        <main class="admin">
            <Show
                when=move || ops.token.get().is_some()
                fallback=move || view! { <SignIn ops /> }
            >
                <p>
                    <button type="button" on:click=move |_| ops.refresh()>"Refresh"</button>
                    " "
                    <button type="button" on:click=move |_| ops.sign_out()>"Sign out"</button>
                </p>
                <panels::Panels ops />
            </Show>
        </main>
    }
}

#[component]
fn SignIn(ops: Ops) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    view! {
        <form
            class="admin-sign-in"
            on:submit=move |ev| {
                ev.prevent_default();
                let t = typed.get_untracked().trim().to_owned();
                if !t.is_empty() {
                    ops.sign_in(t);
                }
            }
        >
            <label for="admin-token">"Operator credential (ADMIN_TOKEN)"</label>
            <input
                id="admin-token"
                type="password"
                autocomplete="off"
                data-testid="admin-token"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <button type="submit">"Sign in"</button>
        </form>
    }
}
