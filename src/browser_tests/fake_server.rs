//! A stand-in for the worker, behind the page's own `fetch`: the app's real network code runs
//! against it, and tests can take it down, slow it, lose answers, or expire cursors.

use std::cell::RefCell;
use std::rc::Rc;

use crate::config::Settings;
use gloo_timers::future::TimeoutFuture;
use js_sys::Promise;
use saywhatwant_wire::{
    chrono_cmp, parse_new_comment, Comment, CommentsPage, CommentsQuery, Cursor, MessageType,
    Source,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{Request, Response, ResponseInit};

#[derive(Default)]
pub struct Server {
    /// The API base of the test's page; requests from pages of earlier tests get no answer.
    base: String,
    /// Stored comments, oldest first.
    pub comments: Vec<Comment>,
    /// Refuse every request as a network failure.
    pub down: bool,
    /// Store POSTs but lose the answer (a timeout after the write).
    pub lose_post_answers: bool,
    /// Milliseconds before each answer.
    pub latency_ms: u32,
    /// A fresh poll sending exactly this cursor gets 410 `cursor_expired`.
    pub expired_cursor: Option<String>,
    /// Every request as `METHOD url`.
    pub log: Vec<String>,
    in_flight_gets: u32,
    pub max_in_flight_gets: u32,
    clock: u64,
}

fn current() -> Rc<RefCell<Server>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Puts the fake in place of `fetch` (once) and starts it empty, serving `settings.api_base`.
pub fn reset(settings: &Settings) -> Rc<RefCell<Server>> {
    // A fresh cell: a test that failed may have left the old one borrowed.
    let fresh = Rc::new(RefCell::new(Server {
        base: settings.api_base.clone(),
        clock: 1_761_000_000_000,
        ..Server::default()
    }));
    CURRENT.with(|c| *c.borrow_mut() = fresh.clone());
    install();
    fresh
}

thread_local! {
    static CURRENT: RefCell<Rc<RefCell<Server>>> = RefCell::new(Rc::new(RefCell::new(Server::default())));
}

fn install() {
    thread_local!(static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    // Both forms the browser's own fetch takes: a Request, or a URL and its init.
    let fetch =
        Closure::<dyn FnMut(JsValue, JsValue) -> Promise>::new(|input: JsValue, init: JsValue| {
            future_to_promise(async move {
                let req: Request = match input.as_string() {
                    Some(url) => Request::new_with_str_and_init(&url, init.unchecked_ref())?,
                    None => input
                        .dyn_into()
                        .map_err(|_| JsValue::from_str("fake fetch wants a Request or a URL"))?,
                };
                handle(req).await
            })
        });
    let window = web_sys::window().expect("a window");
    js_sys::Reflect::set(&window, &"fetch".into(), fetch.as_ref()).expect("fetch replaced");
    fetch.forget();
}

impl Server {
    pub fn add(&mut self, text: &str) -> Comment {
        self.clock += 1;
        let c = Comment {
            id: format!("s{}", self.clock),
            text: text.to_owned(),
            timestamp: self.clock,
            username: Some("server".into()),
            color: Some("120200255".into()),
            domain: "test".into(),
            language: "en".into(),
            message_type: MessageType::Human,
            misc: String::new(),
            context: None,
            bot_params: None,
            reply_to: None,
        };
        self.comments.push(c.clone());
        c
    }

    /// Several comments in one millisecond, as happens under load.
    pub fn add_same_ms(&mut self, texts: &[&str]) {
        self.clock += 1;
        for (i, text) in texts.iter().enumerate() {
            let mut c = self.add(text);
            c.timestamp = self.clock;
            c.id = format!("m{}-{i}", self.clock);
            self.comments.pop();
            self.comments.push(c);
        }
        self.comments.sort_by(chrono_cmp);
    }

    /// The comment reads (not `/stats`), in order.
    pub fn gets(&self) -> Vec<String> {
        self.log
            .iter()
            .filter(|l| l.starts_with("GET") && l.contains("/comments"))
            .cloned()
            .collect()
    }

    pub fn ids(&self) -> Vec<String> {
        self.comments.iter().map(|c| c.id.clone()).collect()
    }

    fn page(&self, q: &CommentsQuery) -> CommentsPage {
        let newer: Vec<&Comment> = match &q.after {
            Some(after) => self
                .comments
                .iter()
                .filter(|c| after.is_before(c) && q.matches(c))
                .collect(),
            None => self.comments.iter().filter(|c| q.matches(c)).collect(),
        };
        let (slice, has_more) = match &q.after {
            Some(_) => (&newer[..newer.len().min(q.limit)], newer.len() > q.limit),
            None => (
                &newer[newer.len().saturating_sub(q.limit)..],
                newer.len() > q.limit,
            ),
        };
        let cursor = match (slice.last(), &q.after) {
            (Some(last), _) if q.after.is_some() => Cursor::at(last).to_string(),
            (_, Some(after)) => after.to_string(),
            _ => match self.comments.last() {
                Some(newest) => Cursor::at(newest).to_string(),
                None => self.clock.to_string(),
            },
        };
        CommentsPage {
            comments: slice.iter().map(|c| (*c).clone()).collect(),
            has_more,
            cursor: Some(cursor),
            source: if q.fresh {
                Source::Fresh
            } else {
                Source::Cache
            },
            removed: Vec::new(),
        }
    }
}

fn respond(status: u16, body: &str) -> Result<JsValue, JsValue> {
    let init = ResponseInit::new();
    init.set_status(status);
    Response::new_with_opt_str_and_init(Some(body), &init).map(Into::into)
}

async fn handle(req: Request) -> Result<JsValue, JsValue> {
    let server = current();
    let method = req.method();
    // Percent-decoded, as the worker reads it (`after=17%3Aab` is `17:ab`).
    let url: String = js_sys::decode_uri_component(&req.url())
        .map(Into::into)
        .unwrap_or_default();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("");
    if !path.starts_with(&format!("{}/", server.borrow().base)) {
        return Err(js_sys::TypeError::new("a page from an earlier test").into());
    }
    let latency = {
        let mut s = server.borrow_mut();
        s.log.push(format!("{method} {url}"));
        if method == "GET" {
            s.in_flight_gets += 1;
            s.max_in_flight_gets = s.max_in_flight_gets.max(s.in_flight_gets);
        }
        s.latency_ms
    };
    if latency > 0 {
        TimeoutFuture::new(latency).await;
    }
    let body = if method == "POST" {
        JsFuture::from(req.text()?)
            .await?
            .as_string()
            .unwrap_or_default()
    } else {
        String::new()
    };
    let mut s = server.borrow_mut();
    if method == "GET" {
        s.in_flight_gets -= 1;
    }
    if s.down {
        return Err(js_sys::TypeError::new("Failed to fetch").into());
    }
    let query = url.split_once('?').map_or("", |(_, q)| q);
    if path.ends_with("/stats") {
        return respond(200, &format!(r#"{{"totalMessages":{}}}"#, s.comments.len()));
    }
    match method.as_str() {
        "GET" => {
            let pairs = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once('=').unwrap_or((p, "")));
            let q = match CommentsQuery::from_pairs(pairs) {
                Ok(q) => q,
                Err(e) => {
                    return respond(400, &format!(r#"{{"error":"{e}","code":"invalid_query"}}"#))
                }
            };
            if q.after.as_ref().map(Cursor::to_string) == s.expired_cursor && q.after.is_some() {
                return respond(
                    410,
                    r#"{"error":"Load the newest comments again.","code":"cursor_expired"}"#,
                );
            }
            respond(200, &serde_json::to_string(&s.page(&q)).unwrap_or_default())
        }
        "POST" => {
            let new = match parse_new_comment(body.as_bytes()) {
                Ok(n) => n,
                Err(e) => {
                    return respond(
                        400,
                        &format!(r#"{{"error":"{}","code":"{}"}}"#, e.message, e.code),
                    )
                }
            };
            let id = new.id.clone().unwrap_or_else(|| "server-made".into());
            let (status, stored) = match s.comments.iter().find(|c| c.id == id) {
                Some(existing) => (200, existing.clone()),
                None => {
                    s.clock += 1;
                    let c = new.into_comment(id, s.clock, "test");
                    s.comments.push(c.clone());
                    (201, c)
                }
            };
            if s.lose_post_answers {
                return Err(js_sys::TypeError::new("Failed to fetch").into());
            }
            respond(status, &serde_json::to_string(&stored).unwrap_or_default())
        }
        _ => respond(405, r#"{"error":"no","code":"method_not_allowed"}"#),
    }
}
