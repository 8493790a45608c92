//! Per-network limits on posts and reads. In production these are Cloudflare's Rate Limiting
//! bindings (`[[ratelimits]]` in wrangler.toml): consistent within a location, free of KV's
//! write limit, and keyed only by what Cloudflare saw, never by anything in the request.

use std::net::{IpAddr, Ipv6Addr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// `POST /api/comments` by visitors (10 a minute).
    Post,
    /// Every other API request, live sockets included (120 a minute: a 5 s poll is 12).
    Read,
    /// Requests that presented a wrong bot credential (5 a minute): guessing it takes
    /// lifetimes, and a bot with a stale token finds out from a clear 429 as well as the 403.
    WrongCredential,
}

#[allow(async_fn_in_trait)]
pub trait RateLimiter {
    /// Whether `key` may do one more thing in `bucket` now. An error means the limiter could
    /// not decide.
    async fn allow(&self, bucket: Bucket, key: &str) -> Result<bool, String>;
}

/// No limit: `RATE_LIMIT_PER_MINUTE=0`, for local load tests.
pub struct Unlimited;

impl RateLimiter for Unlimited {
    async fn allow(&self, _bucket: Bucket, _key: &str) -> Result<bool, String> {
        Ok(true)
    }
}

/// The network a request is counted under: an IPv4 address whole, an IPv6 address by its
/// /64 (one subscriber's network: a single host can use all 2^64 addresses of it), and
/// anything unreadable under one shared key, so garbage cannot mint fresh allowances.
pub fn client_key(client_ip: Option<&str>) -> String {
    match client_ip.and_then(|ip| ip.trim().parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
        None => "unknown".into(),
    }
}

/// The label a network is stored and shown under: `n` and 16 hex digits of a salted SHA-256,
/// so the log never holds an address and the operator can still ban "the author of this".
/// The salt is a secret of the deployment (the operator's credential): without it a label
/// cannot be turned back into an address by trying them all.
pub fn network_label(key: &str, salt: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0])
        .chain_update(key.as_bytes())
        .finalize();
    let mut label = String::from("n");
    for b in &digest[..8] {
        label.push_str(&format!("{b:02x}"));
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_label_is_opaque_stable_and_salted() {
        let a = network_label("203.0.113.7", "salt");
        assert_eq!(a.len(), 17);
        assert!(a.starts_with('n') && a[1..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, network_label("203.0.113.7", "salt"));
        assert_ne!(a, network_label("203.0.113.8", "salt"));
        assert_ne!(a, network_label("203.0.113.7", "other"));
        assert!(!a.contains("203"));
    }

    #[test]
    fn ipv6_counts_by_its_64_and_ipv4_by_address() {
        let a = client_key(Some("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        let b = client_key(Some("2001:db8:1:2::1"));
        let other = client_key(Some("2001:db8:1:3::1"));
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b, "one /64, one allowance");
        assert_ne!(a, other);
        assert_eq!(client_key(Some("198.51.100.7")), "198.51.100.7");
        assert_ne!(
            client_key(Some("198.51.100.7")),
            client_key(Some("198.51.100.8"))
        );
        // An IPv4 address written as IPv6 is the same client.
        assert_eq!(client_key(Some("::ffff:198.51.100.7")), "198.51.100.7");
        assert_eq!(client_key(None), "unknown");
        assert_eq!(client_key(Some("not an address")), "unknown");
    }
}
