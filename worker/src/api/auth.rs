//! The two credentials: the bots' (`Authorization: Bearer <BOT_TOKEN>`: marking comments
//! processed, posting as `AI`, a reply id `re-…`) and the operator's (`ADMIN_TOKEN`: every
//! `/api/admin/` route). Reading and posting as a human need neither.

/// What a request proved about itself (kept with a live socket for what it posts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Credential {
    /// No `Authorization` header.
    Missing,
    /// A header that is neither token (or the server has none configured).
    Wrong,
    Bot,
    Admin,
}

/// Reads the `Authorization` header against the configured token, in time that does not
/// depend on where the two differ.
pub fn credential(
    authorization: Option<&str>,
    token: Option<&str>,
    admin_token: Option<&str>,
) -> Credential {
    let Some(header) = authorization else {
        return Credential::Missing;
    };
    let presented = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .unwrap_or("")
        .trim();
    let is = |t: Option<&str>| t.is_some_and(|t| !t.is_empty() && same(presented, t));
    // Both are compared whatever the first gives, so the time says nothing of which matched.
    let (bot, admin) = (is(token), is(admin_token));
    match (presented.is_empty(), admin, bot) {
        (true, _, _) => Credential::Wrong,
        (false, true, _) => Credential::Admin,
        (false, false, true) => Credential::Bot,
        (false, false, false) => Credential::Wrong,
    }
}

/// Constant-time comparison: every byte of the longer input is looked at whatever matches.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_is_the_bot() {
        let t = Some("s3cret-token");
        let credential = |h, t| credential(h, t, Some("admin-token"));
        assert_eq!(credential(None, t), Credential::Missing);
        assert_eq!(credential(Some("Bearer s3cret-token"), t), Credential::Bot);
        assert_eq!(credential(Some("Bearer admin-token"), t), Credential::Admin);
        assert_eq!(
            credential(Some("Bearer admin-token"), None),
            Credential::Admin
        );
        for wrong in [
            "Bearer s3cret-toke",
            "Bearer s3cret-token2",
            "Bearer ",
            "s3cret-token",
            "Basic s3cret-token",
            "Bearer S3CRET-TOKEN",
        ] {
            assert_eq!(credential(Some(wrong), t), Credential::Wrong, "{wrong}");
        }
        // No token configured: nobody is the bot, whatever they send.
        assert_eq!(credential(Some("Bearer "), None), Credential::Wrong);
        assert_eq!(credential(Some("Bearer x"), Some("")), Credential::Wrong);
        assert_eq!(
            super::credential(Some("Bearer admin-token"), t, None),
            Credential::Wrong
        );
    }
}
