//! The operator page's sections: the log's figures, the report queue, recent and hidden
//! comments with their buttons, bans, the rules, the audit with undo, and the bots.

use leptos::prelude::*;
use saywhatwant_wire::moderation::{AdminAction, AuditEntry, BanTarget, ModerationState};
use saywhatwant_wire::Comment;

use super::Ops;

/// Minutes a "ban author" button bans for.
const BAN_MINUTES: u32 = 60;

fn with_state<T>(ops: Ops, f: impl FnOnce(&ModerationState) -> T) -> Option<T> {
    ops.state.with(|s| s.as_ref().map(f))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

#[component]
pub fn Panels(ops: Ops) -> impl IntoView {
    view! {
        <Figures ops />
        <Reports ops />
        <Recent ops />
        <Hidden ops />
        <Bans ops />
        <RulesForm ops />
        <Audit ops />
        <Bots ops />
    }
}

#[component]
fn Figures(ops: Ops) -> impl IntoView {
    let rows = move || {
        with_state(ops, |s| {
            let f = &s.figures;
            vec![
                ("Comments", f.comments.to_string()),
                ("Taken down", f.removed.to_string()),
                ("Open sockets", f.sockets.to_string()),
                (
                    "Tail in memory",
                    format!("{} comments, {}", f.tail_comments, mib(f.tail_bytes)),
                ),
                ("Object memory", mib(f.wasm_memory_bytes)),
                ("Storage", mib(f.storage_bytes)),
            ]
        })
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
        .collect_view()
    };
    section(
        "figures",
        "The log",
        view! { <dl class="figures" data-testid="figures">{rows}</dl> },
    )
}

/// A button that sends one action; its `data-act` is the action's name.
fn act_button(ops: Ops, label: impl Into<String>, action: AdminAction) -> impl IntoView {
    let (name, label) = (action.name(), label.into());
    view! { <button type="button" data-act=name on:click=move |_| ops.act(action.clone())>{label}</button> }
}

/// A titled section of the page (its heading names it for screen readers).
fn section(id: &'static str, title: &'static str, body: impl IntoView) -> impl IntoView {
    let heading = format!("{id}-h");
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {body}
        </section>
    }
}

/// What an empty list says instead of nothing.
fn when_empty(
    text: &'static str,
    empty: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    move || empty().then(|| view! { <p class="empty">{text}</p> })
}

/// Hide, delete and ban-author buttons for one comment.
fn take_down_buttons(ops: Ops, c: &Comment) -> impl IntoView {
    let who = c.username.clone().unwrap_or_else(|| "anonymous".into());
    let id = || c.id.clone();
    view! {
        {act_button(ops, "Hide", AdminAction::Hide { id: id() })}
        {act_button(ops, "Delete", AdminAction::Delete { id: id() })}
        {act_button(
            ops,
            format!("Ban {who}'s network 1 h"),
            AdminAction::Ban { target: BanTarget::AuthorOf(id()), minutes: BAN_MINUTES },
        )}
    }
}

fn comment_line(c: &Comment) -> impl IntoView {
    let who = c.username.clone().unwrap_or_else(|| "anonymous".into());
    view! {
        <span class="who">{who}</span>
        ": "
        <span class="text">{c.text.clone()}</span>
    }
}

#[component]
fn Reports(ops: Ops) -> impl IntoView {
    let items = move || {
        with_state(ops, |s| s.reports.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let id = r.report.comment_id.clone();
                let reasons = if r.report.reasons.is_empty() {
                    String::new()
                } else {
                    format!(" (\u{201c}{}\u{201d})", r.report.reasons.join("\u{201d}, \u{201c}"))
                };
                let line = match &r.comment {
                    Some(c) => view! { {comment_line(c)} {take_down_buttons(ops, c)} }.into_any(),
                    None => view! { <span>{format!("{id}: already gone")}</span> }.into_any(),
                };
                view! {
                    <li data-id=id.clone()>
                        <span class="count">{format!("{} report(s){reasons} ", r.report.count)}</span>
                        {line}
                        {act_button(ops, "Dismiss", AdminAction::DismissReport { id: id.clone() })}
                    </li>
                }
            })
            .collect_view()
    };
    section(
        "reports",
        "Reports",
        view! { <ul data-testid="reports">{items}</ul> {when_empty("No reports waiting.", move || with_state(ops, |s| s.reports.is_empty()).unwrap_or(true))} },
    )
}

#[component]
fn Recent(ops: Ops) -> impl IntoView {
    let items = move || {
        ops.recent
            .get()
            .into_iter()
            .map(|c| view! { <li data-id=c.id.clone()>{comment_line(&c)} " " {take_down_buttons(ops, &c)}</li> })
            .collect_view()
    };
    section(
        "recent",
        "Recent comments",
        view! { <ul data-testid="recent">{items}</ul> {when_empty("No comments yet.", move || ops.recent.with(Vec::is_empty))} },
    )
}

#[component]
fn Hidden(ops: Ops) -> impl IntoView {
    let items = move || {
        with_state(ops, |s| s.hidden.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                view! {
                    <li data-id=c.id.clone()>
                        {comment_line(&c)} " "
                        {act_button(ops, "Restore", AdminAction::Restore { id: c.id.clone() })}
                        {act_button(ops, "Delete for good", AdminAction::Delete { id: c.id.clone() })}
                    </li>
                }
            })
            .collect_view()
    };
    section(
        "hidden",
        "Hidden comments",
        view! { <ul data-testid="hidden">{items}</ul> {when_empty("Nothing is hidden.", move || with_state(ops, |s| s.hidden.is_empty()).unwrap_or(true))} },
    )
}

fn target_name(t: &BanTarget) -> String {
    match t {
        BanTarget::Network(n) => format!("network {n}"),
        BanTarget::Username(u) => format!("name {u}"),
        BanTarget::AuthorOf(id) => format!("author of {id}"),
    }
}

#[component]
fn Bans(ops: Ops) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let minutes = RwSignal::new("60".to_string());
    let items = move || {
        let now = js_sys::Date::now() as u64;
        with_state(ops, |s| s.bans.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|b| {
                let left = b.until.saturating_sub(now).div_ceil(60_000);
                view! {
                    <li>
                        {format!("{}: {left} min left ", target_name(&b.target))}
                        {act_button(ops, "Lift", AdminAction::Unban { target: b.target.clone() })}
                    </li>
                }
            })
            .collect_view()
    };
    section(
        "bans",
        "Bans",
        view! {
                <ul data-testid="bans">{items}</ul>
                {when_empty("No bans in force.", move || with_state(ops, |s| s.bans.is_empty()).unwrap_or(true))}
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    let m = minutes.get_untracked().trim().parse().unwrap_or(0);
                    ops.act(AdminAction::Ban { target: BanTarget::Username(name.get_untracked()), minutes: m });
                }>
                    <label for="ban-name">"Ban a name"</label>
                    <input id="ban-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <label for="ban-minutes">"for minutes"</label>
                    <input id="ban-minutes" type="number" min="1" prop:value=move || minutes.get() on:input=move |ev| minutes.set(event_target_value(&ev)) />
                    <button type="submit">"Ban"</button>
                </form>
        },
    )
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn RulesForm(ops: Ops) -> impl IntoView {
    let words = RwSignal::new(String::new());
    let links = RwSignal::new(String::new());
    let slow = RwSignal::new(String::new());
    let keep = RwSignal::new(String::new());
    // The fields follow the server's rules whenever the state is read again.
    Effect::new(move |_| {
        if let Some(r) = with_state(ops, |s| s.rules.clone()) {
            words.set(r.blocked_words.join("\n"));
            links.set(r.blocked_links.join("\n"));
            slow.set(r.slow_mode_seconds.to_string());
            keep.set(r.keep_comments.to_string());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(rules) = with_state(ops, |s| s.rules.clone()) else {
            return;
        };
        let (w, l) = (lines(&words.get_untracked()), lines(&links.get_untracked()));
        if w != rules.blocked_words {
            ops.act(AdminAction::BlockWords { words: w });
        }
        if l != rules.blocked_links {
            ops.act(AdminAction::BlockLinks { domains: l });
        }
        let s = slow.get_untracked().trim().parse().unwrap_or(u32::MAX);
        if s != rules.slow_mode_seconds {
            ops.act(AdminAction::SlowMode { seconds: s });
        }
        let k = keep.get_untracked().trim().parse().unwrap_or(0);
        if k != rules.keep_comments {
            ops.act(AdminAction::Retention { keep: k });
        }
    };
    section(
        "rules",
        "Rules",
        view! {
                <form class="rules" on:submit=save>
                    <label for="rule-words">"Blocked words and phrases, one a line"</label>
                    <textarea id="rule-words" data-testid="rule-words" prop:value=move || words.get() on:input=move |ev| words.set(event_target_value(&ev))></textarea>
                    <label for="rule-links">"Blocked link domains, one a line"</label>
                    <textarea id="rule-links" data-testid="rule-links" prop:value=move || links.get() on:input=move |ev| links.set(event_target_value(&ev))></textarea>
                    <label for="rule-slow">"Slow mode: seconds between one network's posts (0: off)"</label>
                    <input id="rule-slow" type="number" min="0" data-testid="rule-slow" prop:value=move || slow.get() on:input=move |ev| slow.set(event_target_value(&ev)) />
                    <label for="rule-keep">"Retention: comments the log keeps"</label>
                    <input id="rule-keep" type="number" min="1000" prop:value=move || keep.get() on:input=move |ev| keep.set(event_target_value(&ev)) />
                    <button type="submit" data-testid="rules-save">"Save the rules"</button>
                </form>
        },
    )
}

fn audit_line(ops: Ops, e: AuditEntry) -> impl IntoView {
    let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(e.at as f64))
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let what = serde_json::to_string(&e.action).unwrap_or_default();
    let undo = (e.undo.is_some() && !e.undone)
        .then(|| act_button(ops, "Undo", AdminAction::Undo { entry: e.n }));
    view! {
        <li data-n=e.n.to_string()>
            {format!("#{} {when} {}: {what}{} ", e.n, e.by, if e.undone { " (undone)" } else { "" })}
            {undo}
        </li>
    }
}

#[component]
fn Audit(ops: Ops) -> impl IntoView {
    let items = move || {
        with_state(ops, |s| s.audit.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|e| audit_line(ops, e))
            .collect_view()
    };
    section(
        "audit",
        "What was done",
        view! { <ol data-testid="audit">{items}</ol> {when_empty("Nothing done yet.", move || with_state(ops, |s| s.audit.is_empty()).unwrap_or(true))} },
    )
}

#[component]
fn Bots(ops: Ops) -> impl IntoView {
    section(
        "bots",
        "Bots",
        view! {
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    ops.check_bots();
                }>
                    <label for="bot-url">"The bot's status address"</label>
                    <input id="bot-url" prop:value=move || ops.bot_url.get() on:input=move |ev| ops.bot_url.set(event_target_value(&ev)) />
                    <button type="submit">"Check"</button>
                </form>
                <pre data-testid="bots">{move || ops.bots.get().unwrap_or_default()}</pre>
        },
    )
}
