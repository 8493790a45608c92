//! The two requests the page makes: read comments, post one (the live channel is `socket.rs`).

use gloo_timers::callback::Timeout;
use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, ErrorBody};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCache, RequestInit, Response};

use crate::model::draft::NewCommentBody;
use crate::model::video::Video;
use crate::sync::codec;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("Can't reach the server.")]
    Network(String),
    #[error("The server took too long to answer.")]
    Timeout,
    #[error("{message}")]
    Http {
        status: u16,
        code: String,
        message: String,
        /// Seconds, from `Retry-After` (429).
        retry_after: Option<u32>,
    },
    #[error("The server's answer could not be read.")]
    Decode,
}

impl ApiError {
    /// The fresh poll's cursor is too far behind to page from (410 `cursor_expired`).
    pub fn is_cursor_expired(&self) -> bool {
        matches!(self, ApiError::Http { status: 410, code, .. } if code == "cursor_expired")
    }

    /// What the console gets beyond the sentence for people.
    pub fn detail(&self) -> &str {
        match self {
            ApiError::Network(d) => d,
            ApiError::Http { code, .. } => code,
            ApiError::Timeout | ApiError::Decode => "",
        }
    }

    /// What to tell the person whose post failed.
    pub fn for_poster(&self) -> String {
        match self {
            ApiError::Http {
                status: 429,
                retry_after,
                ..
            } => match retry_after {
                Some(s) => format!("Too many messages. Try again in {s} s."),
                None => "Too many messages. Try again in a moment.".to_owned(),
            },
            ApiError::Http {
                status, message, ..
            } if *status < 500 => message.clone(),
            ApiError::Http { .. } => "The server had a problem. Try again.".to_owned(),
            other => other.to_string(),
        }
    }
}

/// An error answer as a value: the API's `{"error","code"}` body when there is one.
pub fn http_error(status: u16, body: Option<ErrorBody>, retry_after: Option<&str>) -> ApiError {
    let (code, message) = match body {
        Some(e) => (e.code, e.error),
        None => (String::new(), format!("The server answered {status}.")),
    };
    ApiError::Http {
        status,
        code,
        message,
        retry_after: retry_after.and_then(|s| s.trim().parse().ok()),
    }
}

/// The browser's own words for a failed fetch (its message, without formatting machinery).
fn network(e: JsValue) -> ApiError {
    ApiError::Network(
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default(),
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    base: String,
    timeout_ms: u32,
}

impl Api {
    pub fn new(base: &str, timeout_ms: u32) -> Self {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            timeout_ms,
        }
    }

    pub fn comments_endpoint(&self) -> String {
        format!("{}/comments", self.base)
    }

    pub async fn comments(&self, q: &CommentsQuery) -> Result<CommentsPage, ApiError> {
        // The query string's values are percent-encoded already (`to_query_string`).
        let url = format!("{}?{}", self.comments_endpoint(), q.to_query_string());
        let body = self.send("GET", &url, None).await?;
        codec::page(&body).ok_or(ApiError::Decode)
    }

    /// 201 (stored) and 200 (already stored under this id) both give the stored comment.
    pub async fn post(&self, body: &NewCommentBody<'_>) -> Result<Comment, ApiError> {
        let json = codec::new_comment_json(body).ok_or(ApiError::Decode)?;
        let body = self
            .send("POST", &self.comments_endpoint(), Some(json))
            .await?;
        codec::comment(&body).ok_or(ApiError::Decode)
    }

    /// The video drawer's manifest (`{"videos": [{"key", "url"}]}`, config::VIDEO_MANIFEST);
    /// entries without a good key or an http(s) or same-site address are left out.
    pub async fn videos(&self, manifest: &str) -> Result<Vec<Video>, ApiError> {
        let body = self.send("GET", manifest, None).await?;
        codec::videos(&body).ok_or(ApiError::Decode)
    }

    /// Sends with a deadline (`fetch` by hand: gloo-net's builder cost the page 2.6 KB); gives
    /// the answer's JSON. Any answer outside 2xx becomes an [`ApiError::Http`].
    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<JsValue, ApiError> {
        let controller =
            AbortController::new().map_err(|_| ApiError::Network("no AbortController".into()))?;
        let signal = controller.signal();
        let init = RequestInit::new();
        init.set_method(method);
        init.set_signal(Some(&signal));
        init.set_cache(RequestCache::NoStore);
        if let Some(b) = body {
            let headers = Headers::new().map_err(network)?;
            headers
                .set("Content-Type", "application/json")
                .map_err(network)?;
            init.set_headers(&headers);
            init.set_body(&JsValue::from_str(&b));
        }
        let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
        // Dropped (and so cancelled) as soon as the answer is in.
        let _deadline = Timeout::new(self.timeout_ms, move || controller.abort());
        let failed = |e| {
            if signal.aborted() {
                ApiError::Timeout
            } else {
                network(e)
            }
        };
        let resp: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map_err(failed)?
            .unchecked_into();
        let status = resp.status();
        let text = JsFuture::from(resp.text().map_err(failed)?)
            .await
            .map_err(failed)?
            .as_string()
            .unwrap_or_default();
        let json = codec::parse(&text);
        if (200..300).contains(&status) {
            json.ok_or(ApiError::Decode)
        } else {
            Err(http_error(
                status,
                json.and_then(|j| codec::error_body(&j)),
                resp.headers().get("Retry-After").ok().flatten().as_deref(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(error: &str, code: &str) -> Option<ErrorBody> {
        Some(ErrorBody {
            error: error.into(),
            code: code.into(),
        })
    }

    #[test]
    fn error_bodies_become_values() {
        let e = http_error(
            410,
            body(
                "Your cursor is too old; load the newest comments again.",
                "cursor_expired",
            ),
            None,
        );
        assert!(e.is_cursor_expired());
        assert_eq!(
            e.for_poster(),
            "Your cursor is too old; load the newest comments again."
        );
        let gone = http_error(410, None, None);
        assert!(!gone.is_cursor_expired());
        assert_eq!(gone.to_string(), "The server answered 410.");
    }

    #[test]
    fn rate_limits_say_when_to_retry() {
        let e = http_error(429, body("slow down", "rate_limited"), Some(" 12 "));
        assert!(matches!(
            e,
            ApiError::Http {
                retry_after: Some(12),
                ..
            }
        ));
        assert_eq!(e.for_poster(), "Too many messages. Try again in 12 s.");
        let e = http_error(429, None, Some("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(e.for_poster(), "Too many messages. Try again in a moment.");
    }

    #[test]
    fn server_faults_are_not_blamed_on_the_poster() {
        let e = http_error(503, body("KV is down: id 7f", "unavailable"), None);
        assert_eq!(e.for_poster(), "The server had a problem. Try again.");
        assert_eq!(
            ApiError::Timeout.for_poster(),
            "The server took too long to answer."
        );
    }

    #[test]
    fn the_base_can_be_another_origin() {
        assert_eq!(
            Api::new("https://api.example.org/api/", 1000).comments_endpoint(),
            "https://api.example.org/api/comments"
        );
        assert_eq!(Api::new("/api", 1).comments_endpoint(), "/api/comments");
    }
}
