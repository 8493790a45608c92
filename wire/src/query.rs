//! Query parameters of `GET /api/comments`.

use crate::{Cursor, MessageType};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentsQuery {
    pub limit: usize,
    pub after: Option<Cursor>,
    pub fresh: bool,
    pub message_type: Option<MessageType>,
    /// `None` means every domain (`domain=all` or no `domain`).
    pub domain: Option<String>,
    pub order: Order,
}

impl Default for CommentsQuery {
    fn default() -> Self {
        CommentsQuery {
            limit: DEFAULT_LIMIT,
            after: None,
            fresh: false,
            message_type: None,
            domain: None,
            order: Order::Asc,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("`limit` must be a whole number from 0 to 1000 (got {0:?})")]
    Limit(String),
    #[error(transparent)]
    After(#[from] crate::CursorError),
    #[error("`type` must be `human` or `AI` (got {0:?})")]
    Type(String),
    #[error("`sort` can only be `timestamp` (got {0:?})")]
    Sort(String),
    #[error("`order` must be `asc` or `desc` (got {0:?})")]
    Order(String),
}

impl QueryError {
    /// The parameter at fault, for the error code.
    pub fn param(&self) -> &'static str {
        match self {
            QueryError::Limit(_) => "limit",
            QueryError::After(_) => "after",
            QueryError::Type(_) => "type",
            QueryError::Sort(_) => "sort",
            QueryError::Order(_) => "order",
        }
    }
}

impl CommentsQuery {
    /// Reads already percent-decoded `(name, value)` pairs. Unknown parameters are ignored so
    /// that cache-busting parameters from old clients keep working.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, QueryError> {
        let mut q = CommentsQuery::default();
        for (name, value) in pairs {
            match name {
                "limit" => {
                    let n: u64 = value
                        .parse()
                        .map_err(|_| QueryError::Limit(value.to_owned()))?;
                    q.limit = n.min(MAX_LIMIT as u64) as usize;
                }
                "after" if !value.is_empty() => q.after = Some(Cursor::parse(value)?),
                "fresh" => q.fresh = value == "true",
                "type" => {
                    q.message_type = Some(
                        MessageType::parse(value)
                            .ok_or_else(|| QueryError::Type(value.to_owned()))?,
                    )
                }
                "domain" => {
                    q.domain = match value {
                        "" | "all" => None,
                        d => Some(d.to_owned()),
                    }
                }
                "sort" if value != "timestamp" => return Err(QueryError::Sort(value.to_owned())),
                "order" => {
                    q.order = match value {
                        "asc" => Order::Asc,
                        "desc" => Order::Desc,
                        _ => return Err(QueryError::Order(value.to_owned())),
                    }
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// Whether a comment passes the `type` and `domain` filters.
    pub fn matches(&self, c: &crate::Comment) -> bool {
        self.message_type.is_none_or(|t| t == c.message_type)
            && self.domain.as_deref().is_none_or(|d| d == c.domain)
    }

    /// The query string that asks for this query (used by the browser app and the bot).
    pub fn to_query_string(&self) -> String {
        let mut parts = vec![format!("limit={}", self.limit)];
        if let Some(after) = &self.after {
            parts.push(format!("after={after}"));
        }
        if let Some(t) = self.message_type {
            parts.push(format!("type={}", t.as_str()));
        }
        if let Some(d) = &self.domain {
            parts.push(format!("domain={}", encode_component(d)));
        }
        if self.order == Order::Desc {
            parts.push("sort=timestamp&order=desc".into());
        }
        if self.fresh {
            parts.push("fresh=true".into());
        }
        parts.join("&")
    }
}

fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<CommentsQuery, QueryError> {
        CommentsQuery::from_pairs(
            q.split('&')
                .filter(|s| !s.is_empty())
                .map(|kv| kv.split_once('=').unwrap_or((kv, ""))),
        )
    }

    #[test]
    fn original_clients_urls_parse() {
        let poll = parse("after=1761239864515&limit=200&fresh=true&type=human").unwrap();
        assert_eq!(poll.after, Some(Cursor::timestamp(1761239864515)));
        assert_eq!(
            (poll.limit, poll.fresh, poll.message_type),
            (200, true, Some(MessageType::Human))
        );
        let bot = parse("limit=100&domain=all&sort=timestamp&order=desc&fresh=true").unwrap();
        assert_eq!(
            (bot.limit, bot.domain, bot.order, bot.fresh),
            (100, None, Order::Desc, true)
        );
    }

    #[test]
    fn limit_rules() {
        assert_eq!(parse("").unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(parse("limit=0").unwrap().limit, 0);
        assert_eq!(parse("limit=5000").unwrap().limit, MAX_LIMIT);
        for bad in ["limit=-1", "limit=abc", "limit=1.5", "limit="] {
            assert_eq!(parse(bad).unwrap_err().param(), "limit", "{bad}");
        }
    }

    #[test]
    fn bad_values_name_their_parameter() {
        assert_eq!(parse("type=bot").unwrap_err().param(), "type");
        assert_eq!(parse("sort=likes").unwrap_err().param(), "sort");
        assert_eq!(parse("order=up").unwrap_err().param(), "order");
        assert_eq!(parse("after=yesterday").unwrap_err().param(), "after");
        assert!(!parse("fresh=yes").unwrap().fresh);
    }

    #[test]
    fn query_string_round_trips() {
        let q = CommentsQuery {
            limit: 200,
            after: Some(Cursor::parse("12:abc").unwrap()),
            fresh: true,
            message_type: Some(MessageType::Ai),
            domain: Some("a b.example".into()),
            order: Order::Desc,
        };
        let s = q.to_query_string();
        assert!(s.contains("domain=a%20b.example"), "{s}");
        let decoded = s.replace("%20", " ");
        assert_eq!(parse(&decoded).unwrap(), q);
    }
}
