use serde::{Deserialize, Serialize};

/// One stored comment, exactly as the API serves it and IndexedDB keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub text: String,
    /// Milliseconds since the epoch, set by the worker when it stored the comment.
    pub timestamp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `RRRGGGBBB`, three decimal channels 000–255.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub domain: String,
    pub language: String,
    #[serde(rename = "message-type")]
    pub message_type: MessageType,
    #[serde(default)]
    pub misc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Vec<String>>,
    #[serde(rename = "botParams", default, skip_serializing_if = "Option::is_none")]
    pub bot_params: Option<BotParams>,
    /// The id of the comment this one answers (bots set it; the page shows "in reply to").
    #[serde(rename = "replyTo", default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

impl Comment {
    /// Whether a bot still has to answer this comment.
    pub fn awaits_bot(&self) -> bool {
        self.message_type == MessageType::Human
            && self.bot_params.as_ref().and_then(|b| b.processed) == Some(false)
    }
}

/// `message-type`: who wrote the comment. The wire names (`human`, `AI`) are kept for existing bots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum MessageType {
    #[default]
    #[serde(rename = "human")]
    Human,
    #[serde(rename = "AI")]
    Ai,
}

impl MessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Human => "human",
            MessageType::Ai => "AI",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "human" => Some(MessageType::Human),
            "AI" => Some(MessageType::Ai),
            _ => None,
        }
    }
}

/// What bots attach to a comment to steer their answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BotParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nom: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ais: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed: Option<bool>,
}
