//! How long a client waits before it tries again after failures, one rule for the page's polls,
//! the page's live channel and the bot's channel.

/// The wait after `failures` failures in a row (1 for the first): `first_ms` doubled for each
/// failure after the first, at most `cap_ms`, then cut to 80–100 % of that by `jitter` (in
/// `[0, 1)`), so many clients that lost the server at the same moment do not come back in step
/// and the cap is never exceeded. No failures: `first_ms` as it is.
pub fn backoff_ms(first_ms: u64, cap_ms: u64, failures: u32, jitter: f64) -> u64 {
    if failures == 0 {
        return first_ms;
    }
    let doubled = first_ms.saturating_mul(1 << (failures - 1).min(20));
    (doubled.min(cap_ms) as f64 * (0.8 + 0.2 * jitter.clamp(0.0, 1.0))) as u64
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn doubles_from_the_first_wait_up_to_the_cap() {
        let waits: Vec<u64> = (1..=7).map(|f| backoff_ms(2_000, 60_000, f, 1.0)).collect();
        assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
        assert_eq!(backoff_ms(2_000, 60_000, 0, 0.0), 2_000);
        assert_eq!(
            backoff_ms(5_000, 30_000, u32::MAX, 1.0),
            30_000,
            "no overflow"
        );
    }

    #[test]
    fn jitter_only_shortens_by_at_most_a_fifth() {
        assert_eq!(backoff_ms(2_000, 60_000, 3, 0.0), 6_400);
        assert_eq!(backoff_ms(2_000, 60_000, 30, 0.0), 48_000);
        assert_eq!(
            backoff_ms(2_000, 60_000, 3, 7.0),
            8_000,
            "jitter is clamped"
        );
    }
}
