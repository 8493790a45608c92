//! The operator page's calls: the state, the actions (with `ADMIN_TOKEN`), the recent comments
//! (as any reader reads them) and the bots' status (the bot's own status address).

use gloo_net::http::Request;
use saywhatwant_wire::moderation::{
    AdminAction, AuditEntry, ModerationState, ADMIN_ACTIONS_PATH, ADMIN_STATE_PATH,
};
use saywhatwant_wire::{CommentsPage, ErrorBody};
use serde::de::DeserializeOwned;

/// A failed call, said so a person can act on it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    #[error("the server could not be reached: {0}")]
    Network(String),
    #[error("{0}")]
    Refused(String),
    #[error("the answer could not be read: {0}")]
    Decode(String),
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

async fn answer<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, CallError> {
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|e| CallError::Decode(e.to_string()));
    }
    Err(CallError::Refused(
        serde_json::from_str::<ErrorBody>(&text)
            .map(|b| b.error)
            .unwrap_or_else(|_| format!("the server answered {status}")),
    ))
}

pub async fn state(token: &str) -> Result<ModerationState, CallError> {
    let resp = Request::get(&format!("{}{ADMIN_STATE_PATH}", origin()))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    answer(resp).await
}

pub async fn act(token: &str, action: &AdminAction) -> Result<AuditEntry, CallError> {
    let body = serde_json::to_string(action).map_err(|e| CallError::Decode(e.to_string()))?;
    let resp = Request::post(&format!("{}{ADMIN_ACTIONS_PATH}", origin()))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .body(body)
        .map_err(|e| CallError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    answer(resp).await
}

/// The newest comments, fresh from the log.
pub async fn recent(limit: usize) -> Result<CommentsPage, CallError> {
    let url = format!("{}/api/comments?limit={limit}&fresh=true", origin());
    let resp = Request::get(&url)
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    answer(resp).await
}

/// The bot's status (`GET /status` on its status address), as it reports it.
pub async fn bots(url: &str) -> Result<serde_json::Value, CallError> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| CallError::Network(e.to_string()))?;
    answer(resp).await
}
