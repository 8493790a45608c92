//! The bot's side of the API: the bot poll, POST and PATCH.

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

pub struct ApiClient {
    base: String,
    http: reqwest::Client,
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
        })
    }

    /// The newest 100 comments from the source of truth, newest first: the original bot's URL
    /// (`domain=all`), or one site's comments.
    pub async fn bot_poll(&self, domain: Option<&str>) -> Result<Vec<Comment>, ClientError> {
        let q = CommentsQuery {
            limit: 100,
            fresh: true,
            order: Order::Desc,
            domain: domain.map(str::to_owned),
            ..Default::default()
        };
        let all = if domain.is_none() { "&domain=all" } else { "" };
        let url = format!("{}/api/comments?{}{all}", self.base, q.to_query_string());
        let page: CommentsPage = self.send(self.http.get(&url), &url).await?;
        Ok(page.comments)
    }

    /// Posts a comment; a repeat of an id already stored is a success (200).
    pub async fn post(&self, comment: &Value) -> Result<Comment, ClientError> {
        let url = format!("{}/api/comments", self.base);
        self.send(self.http.post(&url).json(comment), &url).await
    }

    pub async fn mark_processed(&self, id: &str) -> Result<Comment, ClientError> {
        let url = format!("{}/api/comments/{id}", self.base);
        let body = serde_json::json!({"botParams": {"processed": true}});
        self.send(self.http.patch(&url).json(&body), &url).await
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<T, ClientError> {
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
        resp.json().await.map_err(|source| ClientError::Unreadable {
            url: url.into(),
            source,
        })
    }
}
