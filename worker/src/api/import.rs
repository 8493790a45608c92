//! `POST /api/admin/import`: one step of moving a stream from the original KV layout into the
//! log (docs/api.md, "Moving an existing stream"; `scripts/import.sh` runs the steps).

use serde::{Deserialize, Serialize};

use super::comments::json_body;
use super::error::ApiError;
use super::moderation::require_admin;
use super::port::LogPort;
use super::{json, Ctx, Request, Response};
use crate::kv::Kv;
use crate::legacy;
use crate::log::command::{Command, Reply};
use crate::log::import::Refused;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    /// Where the previous step stopped; absent or null: the start.
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Progress {
    imported: u64,
    already: u64,
    refused: Vec<Refused>,
    /// Send back as `cursor` for the next step; `null` when done.
    cursor: Option<String>,
    done: bool,
}

pub async fn run<L: LogPort, K: Kv, R>(
    ctx: &Ctx<'_, L, K, R>,
    req: &Request<'_>,
) -> Result<Response, ApiError> {
    require_admin(ctx.credential(req))?;
    let body = json_body(req)?;
    let step: Step = if body.iter().all(u8::is_ascii_whitespace) {
        Step::default()
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::Body(saywhatwant_wire::FieldError {
                code: "invalid_json",
                field: Some("cursor".into()),
                message: format!("the body must be {{\"cursor\": null | \"<cursor>\"}}: {e}"),
            })
        })?
    };
    let page = legacy::read_page(ctx.kv, step.cursor.as_deref())
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let report = match ctx
        .log
        .call(Command::Import {
            comments: page.comments,
        })
        .await?
    {
        Reply::Imported { report } => report,
        other => return Err(super::comments::unexpected(other)),
    };
    let mut refused = page.unreadable;
    refused.extend(report.refused);
    Ok(json(
        200,
        &Progress {
            imported: report.imported,
            already: report.already,
            refused,
            done: page.cursor.is_none(),
            cursor: page.cursor,
        },
    ))
}
