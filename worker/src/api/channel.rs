//! Posting on the live channel (`{"post": …}`, `wire::live::post`): what a relay does with a
//! message from a reader's socket. The rules are `POST /api/comments`'s, run by the same
//! [`submit`]; the answer is an [`Ack`] on that socket, sent once the log has committed the post
//! or refused it.
//!
//! Who posts was settled by the Worker when the socket opened ([`Poster`]): a browser cannot
//! set headers on a WebSocket, and nothing in a message can claim a credential.

use saywhatwant_wire::live::{parse_channel_post, Ack};
use saywhatwant_wire::MAX_BODY_BYTES;

use super::comments::{submit, Poster};
use super::{limit_key, ApiError, Credential, Ctx, LogPort};
use crate::rate_limit::{Bucket, RateLimiter};

/// The answer to one message from `poster`'s socket.
pub async fn post<L: LogPort, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    poster: &Poster,
    message: &[u8],
) -> Ack {
    match try_post(ctx, poster, message).await {
        Ok((comment, created)) => Ack::stored(comment, created),
        Err(e) => Ack::failed(Ack::id_of(message), e.status(), e.body(), e.retry_after()),
    }
}

async fn try_post<L: LogPort, K, R: RateLimiter>(
    ctx: &Ctx<'_, L, K, R>,
    poster: &Poster,
    message: &[u8],
) -> Result<(saywhatwant_wire::Comment, bool), ApiError> {
    if message.len() > MAX_BODY_BYTES {
        return Err(ApiError::TooLarge);
    }
    // As on HTTP, every use of a wrong credential counts: a socket opened with one must not
    // become a way to try it without the limit.
    if poster.credential == Credential::Wrong {
        limit_key(ctx, &poster.key, Bucket::WrongCredential).await?;
    }
    let new = parse_channel_post(message)?;
    submit(ctx, poster, new).await
}
