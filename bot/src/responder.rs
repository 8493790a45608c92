//! Where replies come from: `echo` (deterministic, for tests and demos) or any
//! OpenAI-compatible chat endpoint (LM Studio, Ollama, vLLM, …).

use std::time::Duration;

use saywhatwant_wire::Comment;
use serde_json::{json, Value};

use crate::Identity;

#[derive(Debug, thiserror::Error)]
pub enum ResponderError {
    #[error("cannot reach the model at {url}: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("the model at {url} answered {status}")]
    Refused { url: String, status: u16 },
    #[error("the model's answer had no message content")]
    Empty,
}

#[allow(async_fn_in_trait)]
pub trait Responder {
    async fn reply(&self, to: &Comment, me: &Identity) -> Result<String, ResponderError>;
}

pub struct Echo;

impl Responder for Echo {
    async fn reply(&self, to: &Comment, _me: &Identity) -> Result<String, ResponderError> {
        Ok(match &to.username {
            Some(name) => format!("@{name} you said: {}", to.text),
            None => format!("You said: {}", to.text),
        })
    }
}

pub struct OpenAi {
    /// The API root, e.g. `http://127.0.0.1:1234/v1`.
    pub base_url: String,
    pub model: String,
    pub api_key: Option<String>,
    pub http: reqwest::Client,
}

impl OpenAi {
    pub fn new(
        base_url: &str,
        model: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        Ok(OpenAi {
            base_url: base_url.trim_end_matches('/').to_owned(),
            model: model.to_owned(),
            api_key,
            http: reqwest::Client::builder().timeout(timeout).build()?,
        })
    }
}

impl Responder for OpenAi {
    async fn reply(&self, to: &Comment, me: &Identity) -> Result<String, ResponderError> {
        let url = format!("{}/chat/completions", self.base_url);
        let body = json!({
            "model": self.model,
            "max_tokens": 200,
            "messages": [
                {"role": "system", "content": format!(
                    "You are {}, one voice in a public chat stream. Answer in one or two short sentences.", me.name)},
                {"role": "user", "content": format!("{}: {}", to.username.as_deref().unwrap_or("someone"), to.text)},
            ],
        });
        let mut req = self.http.post(&url).json(&body);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key);
        }
        let resp = req
            .send()
            .await
            .map_err(|source| ResponderError::Unreachable {
                url: url.clone(),
                source,
            })?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(ResponderError::Refused { url, status });
        }
        let answer: Value = resp
            .json()
            .await
            .map_err(|source| ResponderError::Unreachable { url, source })?;
        answer["choices"][0]["message"]["content"]
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or(ResponderError::Empty)
    }
}
