//! The operator's endpoints and the readers' report: each turns a request into one log command.
//! Every `/api/admin/` route needs the operator credential (`ADMIN_TOKEN`), never the bots'.

use saywhatwant_wire::is_valid_id;
use saywhatwant_wire::moderation::{parse_admin_action, parse_report};

use super::auth::Credential;
use super::comments::{json_body, unexpected};
use super::error::ApiError;
use super::port::LogPort;
use super::{json, Ctx, Request, Response};
use crate::log::command::{Command, Reply};

/// Who acted, for the audit: the `X-Operator` header (a name, 1–32 plain characters), else
/// `operator`.
fn operator_name(req: &Request<'_>) -> String {
    req.operator
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 32 && !n.chars().any(char::is_control))
        .unwrap_or("operator")
        .to_owned()
}

pub(super) fn require_admin(credential: Credential) -> Result<(), ApiError> {
    match credential {
        Credential::Admin => Ok(()),
        Credential::Missing => Err(ApiError::AdminOnly { presented: false }),
        Credential::Wrong | Credential::Bot => Err(ApiError::AdminOnly { presented: true }),
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers.push(("Cache-Control", "no-store".into()));
    r
}

/// `POST /api/admin/actions`: one [`saywhatwant_wire::moderation::AdminAction`].
pub async fn act<L: LogPort, K, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Response, ApiError> {
    require_admin(ctx.credential(req))?;
    let action = parse_admin_action(json_body(req)?)?;
    match ctx
        .log
        .call(Command::Act {
            action,
            by: operator_name(req),
        })
        .await?
    {
        Reply::Acted { entry } => Ok(no_store(json(200, &entry))),
        Reply::NotActed { missing, error } => Err(ApiError::NotActed {
            missing,
            message: error,
        }),
        other => Err(unexpected(other)),
    }
}

/// `GET /api/admin/state`.
pub async fn state<L: LogPort, K, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Response, ApiError> {
    require_admin(ctx.credential(req))?;
    match ctx.log.call(Command::Moderation).await? {
        Reply::Moderation { state } => Ok(no_store(json(200, &state))),
        other => Err(unexpected(other)),
    }
}

/// `POST /api/comments/{id}/report`: anyone may report (counted against the posting limit).
pub async fn report<L: LogPort, K, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
    id: &str,
    network: String,
) -> Result<Response, ApiError> {
    if !is_valid_id(id) {
        return Err(ApiError::BadId);
    }
    let body = match req.body {
        super::Body::Read(b) if b.iter().all(u8::is_ascii_whitespace) => b,
        _ => json_body(req)?,
    };
    let reason = parse_report(body)?;
    match ctx
        .log
        .call(Command::Report {
            id: id.to_owned(),
            reason,
            network,
        })
        .await?
    {
        Reply::Reported { found: true } => {
            Ok(no_store(json(202, &serde_json::json!({ "reported": id }))))
        }
        Reply::Reported { found: false } => Err(ApiError::CommentNotFound(id.to_owned())),
        other => Err(unexpected(other)),
    }
}
