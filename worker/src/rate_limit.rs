//! Per-client post limits. In production this is Cloudflare's Rate Limiting binding, which is
//! consistent within a location and costs no KV writes (a KV counter would break KV's one write
//! per second per key and, being eventually consistent, let bursts through).

#[allow(async_fn_in_trait)]
pub trait RateLimiter {
    /// Whether `key` may do one more thing now. An error means the limiter could not decide.
    async fn allow(&self, key: &str) -> Result<bool, String>;
}

/// No limit: `RATE_LIMIT_PER_MINUTE=0`, for local load tests.
pub struct Unlimited;

impl RateLimiter for Unlimited {
    async fn allow(&self, _key: &str) -> Result<bool, String> {
        Ok(true)
    }
}

/// The key a post is counted under: the address Cloudflare saw, never anything in the body.
pub fn client_key(client_ip: Option<&str>) -> String {
    format!("post:{}", client_ip.unwrap_or("unknown"))
}
