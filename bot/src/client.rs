//! The bot's side of the API: the bot poll, and POST and PATCH with the bot credential.

use std::time::Duration;

use saywhatwant_wire::{Comment, CommentsPage, CommentsQuery, ErrorBody, Order};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach {url}: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("{status} from {url}: {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    #[error("unreadable answer from {url}: {source}")]
    Unreadable { url: String, source: reqwest::Error },
}

impl ClientError {
    /// A failure of the API as a whole (down, overloaded, limiting us), as opposed to a
    /// refusal of one request's content: the bot then backs off instead of moving on.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Refused { status, .. } => *status >= 500 || *status == 408,
            _ => true,
        }
    }
}

pub struct ApiClient {
    /// The site, e.g. `http://127.0.0.1:8080` (the API is under `/api`).
    pub base: String,
    http: reqwest::Client,
    /// `BOT_TOKEN`: what lets the bot post as `AI` and mark comments processed.
    token: Option<String>,
}

impl ApiClient {
    /// `base` is the site (`http://127.0.0.1:8080`) or the API root (`…/api`).
    pub fn new(base: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let base = base
            .trim_end_matches('/')
            .trim_end_matches("/api")
            .to_owned();
        Ok(ApiClient {
            base,
            http: reqwest::Client::builder().timeout(timeout).build()?,
            token: None,
        })
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token.filter(|t| !t.is_empty());
        self
    }

    fn authorized(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    /// The newest 100 comments from the source of truth, newest first: the original bot's URL
    /// (`domain=all`), or one site's comments. Its cursor is where the live channel starts.
    pub async fn bot_poll(&self, domain: Option<&str>) -> Result<CommentsPage, ClientError> {
        let q = CommentsQuery {
            limit: 100,
            fresh: true,
            order: Order::Desc,
            domain: domain.map(str::to_owned),
            ..Default::default()
        };
        let all = if domain.is_none() { "&domain=all" } else { "" };
        let url = format!("{}/api/comments?{}{all}", self.base, q.to_query_string());
        let req = self.authorized(self.http.get(&url));
        self.send(req, &url).await.map(|(page, _)| page)
    }

    /// Posts a comment: the stored comment, and whether this call stored it (201) or found
    /// it stored under the same id (200).
    pub async fn post(&self, comment: &Value) -> Result<(Comment, bool), ClientError> {
        let url = format!("{}/api/comments", self.base);
        let req = self.authorized(self.http.post(&url).json(comment));
        self.send(req, &url)
            .await
            .map(|(c, status)| (c, status == 201))
    }

    pub async fn mark_processed(&self, id: &str) -> Result<Comment, ClientError> {
        let url = format!("{}/api/comments/{id}", self.base);
        let body = serde_json::json!({"botParams": {"processed": true}});
        let req = self.authorized(self.http.patch(&url).json(&body));
        self.send(req, &url).await.map(|(c, _)| c)
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<(T, u16), ClientError> {
        let resp = req
            .send()
            .await
            .map_err(|source| ClientError::Unreachable {
                url: url.into(),
                source,
            })?;
        let status = resp.status().as_u16();
        if status == 429 {
            let secs = resp
                .headers()
                .get("Retry-After")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(60);
            return Err(ClientError::RateLimited(secs));
        }
        if !(200..300).contains(&status) {
            let message = match resp.json::<ErrorBody>().await {
                Ok(e) => format!("{} ({})", e.error, e.code),
                Err(_) => "no error body".into(),
            };
            return Err(ClientError::Refused {
                url: url.into(),
                status,
                message,
            });
        }
        let body = resp
            .json()
            .await
            .map_err(|source| ClientError::Unreadable {
                url: url.into(),
                source,
            })?;
        Ok((body, status))
    }
}
