//! The stream's rows, drawn by hand: one `<li>` per stored comment or unsent post, kept while
//! its key (`Row::key`) stays, made when it comes, removed when it goes, moved into the order
//! given. A reactive list with a component per row cost the page about 10 KB of the download
//! (docs/app.md, size); the filter bar and the menus are drawn this way too.
//!
//! Every text a comment brings is a text node; links are `<a>` to http(s) addresses only and a
//! shared video is a button with a checked key (`linkify`): nothing is ever parsed as HTML. Its
//! buttons carry a `data-act` for the page's one click listener (`row_events`).

use std::collections::HashMap;
use std::sync::Arc;

use saywhatwant_wire::{Comment, MessageType};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::model::color::display_css;
use crate::model::draft::{Outgoing, SendState};
use crate::model::linkify::{split, Segment};
use crate::model::reltime;

/// One list, so one keyed diff, for stored comments and unsent posts alike.
#[derive(Clone)]
pub enum Row {
    /// A stored comment, and the one it answers when the page has it.
    Posted(Arc<Comment>, Option<Arc<Comment>>),
    Unsent(Outgoing),
}

impl Row {
    /// Ids never contain `~`; an unsent post is drawn again when its state changes.
    pub fn key(&self) -> String {
        match self {
            Row::Posted(c, _) => c.id.clone(),
            Row::Unsent(p) => match p.state {
                SendState::Sending => format!("~{}~sending", p.id),
                SendState::Failed(_) => format!("~{}~failed", p.id),
            },
        }
    }
}

/// Where a row keeps its key.
const KEY: &str = "data-row";

/// Makes `list`'s children the rows given, in order; `now` and `offset` (minutes east of UTC)
/// say the relative times of new rows ([`tick`] moves them all on).
pub fn draw(list: &Element, rows: &[Row], now: u64, offset: i32) {
    let doc = leptos::prelude::document();
    let mut old: HashMap<String, Element> = HashMap::new();
    let kids = list.children();
    for i in 0..kids.length() {
        if let Some(el) = kids.item(i) {
            old.insert(el.get_attribute(KEY).unwrap_or_default(), el);
        }
    }
    let mut wanted = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row.key();
        match old.remove(&key) {
            Some(el) => wanted.push(el),
            None => wanted.extend(make(&doc, row, &key, now, offset)),
        }
    }
    for gone in old.values() {
        gone.remove();
    }
    let mut at = list.first_element_child();
    for el in wanted {
        if at.as_ref() == Some(&el) {
            at = el.next_element_sibling();
        } else {
            let _ = list.insert_before(&el, at.as_ref().map(|a| a.as_ref()));
        }
    }
}

/// Every stored comment's relative time, as of `now`.
pub fn tick(list: &Element, now: u64, offset: i32) {
    let Ok(times) = list.query_selector_all("time[datetime]") else {
        return;
    };
    for i in 0..times.length() {
        let Some(t) = times.item(i).map(|t| t.unchecked_into::<Element>()) else {
            continue;
        };
        if let Some(ts) = t.get_attribute("datetime").and_then(|d| d.parse().ok()) {
            t.set_text_content(Some(&reltime::relative(now, ts, offset)));
        }
    }
}

/// `<tag attr=value …>` appended to `parent`.
fn add(doc: &Document, parent: &Element, tag: &str, attrs: &[(&str, &str)]) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    for (name, value) in attrs {
        let _ = el.set_attribute(name, value);
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

/// The same, with a text.
fn add_text(
    doc: &Document,
    parent: &Element,
    tag: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Option<Element> {
    let el = add(doc, parent, tag, attrs)?;
    el.set_text_content(Some(text));
    Some(el)
}

fn make(doc: &Document, row: &Row, key: &str, now: u64, offset: i32) -> Option<Element> {
    let li = doc.create_element("li").ok()?;
    let _ = li.set_attribute(KEY, key);
    let _ = li.set_attribute("data-testid", "comment");
    match row {
        Row::Posted(c, answered) => posted(doc, &li, c, answered.as_deref(), now, offset),
        Row::Unsent(p) => unsent(doc, &li, p),
    };
    Some(li)
}

fn name_of(c: Option<&str>) -> &str {
    c.unwrap_or("anonymous")
}

fn posted(
    doc: &Document,
    li: &Element,
    c: &Comment,
    answered: Option<&Comment>,
    now: u64,
    offset: i32,
) -> Option<()> {
    let is_ai = c.message_type == MessageType::Ai;
    let _ = li.set_attribute("class", if is_ai { "comment ai" } else { "comment" });
    let _ = li.set_attribute("data-id", &c.id);
    let meta = add(doc, li, "div", &[("class", "meta")])?;
    let color = format!("color:{}", display_css(c.color.as_deref()));
    let who = [
        ("class", "who"),
        ("data-testid", "comment-username"),
        ("style", color.as_str()),
        ("data-color", c.color.as_deref().unwrap_or_default()),
    ];
    add_text(doc, &meta, "span", &who, name_of(c.username.as_deref()));
    let (ts, full) = (c.timestamp.to_string(), reltime::full(c.timestamp, offset));
    let when = [
        ("class", "when"),
        ("datetime", ts.as_str()),
        ("title", full.as_str()),
    ];
    let rel = reltime::relative(now, c.timestamp, offset);
    add_text(doc, &meta, "time", &when, &rel);
    let menu = [
        ("type", "button"),
        ("class", "more"),
        ("data-act", "menu"),
        ("data-testid", "message-menu-button"),
        ("aria-label", "Message actions"),
        ("aria-haspopup", "menu"),
    ];
    add_text(doc, &meta, "button", &menu, "⋯");
    if let Some(id) = &c.reply_to {
        reply_to(doc, li, id, answered);
    }
    let p = add(
        doc,
        li,
        "p",
        &[("class", "text"), ("data-testid", "comment-text")],
    )?;
    for segment in split(&c.text) {
        match segment {
            Segment::Text(t) => {
                let _ = p.append_with_str_1(&t);
            }
            Segment::Link { href, label } => {
                let a = [
                    ("href", href.as_str()),
                    ("target", "_blank"),
                    ("rel", "noopener noreferrer nofollow"),
                ];
                add_text(doc, &p, "a", &a, &label);
            }
            Segment::Video(key) => {
                let b = [
                    ("type", "button"),
                    ("class", "video-ref"),
                    ("data-act", "play-video"),
                    ("data-key", key.as_str()),
                ];
                add_text(doc, &p, "button", &b, "▶ video");
            }
        }
    }
    Some(())
}

/// "in reply to <name>", a button that brings the answered row into view (`row_events`); the
/// answered text is its tooltip.
fn reply_to(doc: &Document, li: &Element, id: &str, answered: Option<&Comment>) -> Option<()> {
    let (name, color, title) = match answered {
        Some(c) => (
            name_of(c.username.as_deref()),
            format!("color:{}", display_css(c.color.as_deref())),
            c.text.chars().take(80).collect::<String>(),
        ),
        None => ("a comment", String::new(), String::new()),
    };
    let attrs = [
        ("type", "button"),
        ("class", "reply-to"),
        ("data-act", "reply-to"),
        ("data-testid", "reply-to"),
        ("data-reply-to", id),
        ("title", title.as_str()),
    ];
    let b = add_text(doc, li, "button", &attrs, "in reply to ")?;
    add_text(doc, &b, "span", &[("style", color.as_str())], name);
    Some(())
}

/// A post the server has not confirmed yet: sending, or failed with a way to retry. Its text
/// stays here until it is stored or taken back into the composer.
fn unsent(doc: &Document, li: &Element, post: &Outgoing) -> Option<()> {
    let (status, failure) = match &post.state {
        SendState::Sending => ("pending", None),
        SendState::Failed(why) => ("failed", Some(why.as_str())),
    };
    let class = if failure.is_some() {
        "comment failed"
    } else {
        "comment pending"
    };
    for (name, value) in [
        ("class", class),
        ("data-id", post.id.as_str()),
        ("data-status", status),
        (
            "aria-busy",
            if failure.is_some() { "false" } else { "true" },
        ),
    ] {
        let _ = li.set_attribute(name, value);
    }
    let meta = add(doc, li, "div", &[("class", "meta")])?;
    let color = format!("color:{}", display_css(post.color.as_deref()));
    let who = [
        ("class", "who"),
        ("data-testid", "comment-username"),
        ("style", color.as_str()),
    ];
    add_text(doc, &meta, "span", &who, name_of(post.username.as_deref()));
    let when = if failure.is_some() {
        "not sent"
    } else {
        "sending…"
    };
    add_text(doc, &meta, "span", &[("class", "when")], when);
    let text = [("class", "text"), ("data-testid", "comment-text")];
    add_text(doc, li, "p", &text, &post.text);
    let box_ = add(doc, li, "div", &[("class", "failure"), ("role", "alert")])?;
    match failure {
        Some(why) => {
            add_text(doc, &box_, "span", &[], why);
        }
        None => {
            let _ = box_.set_attribute("hidden", "");
            add(doc, &box_, "span", &[]);
        }
    }
    let retry = [
        ("type", "button"),
        ("class", "retry"),
        ("data-testid", "retry-button"),
        ("data-act", "retry"),
    ];
    add_text(doc, &box_, "button", &retry, "Retry");
    let edit = [("type", "button"), ("class", "edit"), ("data-act", "edit")];
    add_text(doc, &box_, "button", &edit, "Edit");
    Some(())
}
