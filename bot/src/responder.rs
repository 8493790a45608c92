//! Where replies come from: `echo` (deterministic, for tests and demos) or any
//! OpenAI-compatible chat endpoint (LM Studio, Ollama, vLLM, …).

use std::time::Duration;

use saywhatwant_wire::Comment;
use serde_json::{json, Value};

use crate::prompt::Ask;

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
    /// The raw answer to `ask` (what the entity's prompt makes of `to`).
    async fn reply(&self, to: &Comment, ask: &Ask) -> Result<String, ResponderError>;
}

pub struct Echo;

impl Responder for Echo {
    async fn reply(&self, to: &Comment, _ask: &Ask) -> Result<String, ResponderError> {
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
    async fn reply(&self, _to: &Comment, ask: &Ask) -> Result<String, ResponderError> {
        let url = format!("{}/chat/completions", self.base_url);
        let body = request_body(ask, &self.model);
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

/// The chat completion request: the link's or the entity's model (`fallback`, the `--model`
/// flag, when neither names one), the sampling fields the entity sets, the system message,
/// then the conversation.
pub fn request_body(ask: &Ask, fallback: &str) -> Value {
    let model = if ask.model.is_empty() {
        fallback
    } else {
        ask.model.as_str()
    };
    let mut body = json!({
        "model": model,
        "messages": [
            {"role": "system", "content": ask.system},
            {"role": "user", "content": ask.user},
        ],
        "stream": false,
    });
    let s = &ask.sampling;
    for (key, value) in [
        ("temperature", s.temperature.map(Value::from)),
        ("max_tokens", s.max_tokens.map(Value::from)),
        ("top_p", s.top_p.map(Value::from)),
        ("top_k", s.top_k.map(Value::from)),
        ("repeat_penalty", s.repeat_penalty.map(Value::from)),
        ("min_p", s.min_p.map(Value::from)),
    ] {
        if let Some(v) = value {
            body[key] = v;
        }
    }
    body
}
