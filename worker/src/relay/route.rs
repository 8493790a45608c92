//! Which relay a new socket joins: one near the reader, the same one for all of a network's
//! sockets (so the per-network cap is counted in one place), spread over a few per region.
//!
//! The rule: the reader's continent (the request's `cf.continent`) picks a region, a Durable
//! Object location hint, so the relay is made near its readers and each round crosses the world
//! once per relay instead of once per socket. A hash of the network picks one of
//! `per_region` relays there. A relay takes [`MAX_SOCKETS_PER_RELAY`]; past that it refuses
//! with 4429 and the page polls, so more relays per region (`RELAYS_PER_REGION`) are what more
//! readers need. A relay with no sockets costs nothing: it hibernates, and the log stops
//! sending it rounds.

use sha2::{Digest, Sha256};

/// Sockets one relay holds: each round is one send per socket (0.05 ms each, measured), so 900
/// sockets keep a relay under half busy at a round every [`super::ROUND_MS`] (docs/benchmarks.md,
/// relays).
pub const MAX_SOCKETS_PER_RELAY: usize = 900;
/// Relays per region unless the deployment says otherwise.
pub const DEFAULT_PER_REGION: u32 = 4;

/// A Durable Object location hint for a continent code (`None`, or one the platform does not
/// name: the Worker's own region).
pub fn region(continent: Option<&str>) -> &'static str {
    match continent {
        Some("NA") => "enam",
        Some("SA") => "sam",
        Some("EU") => "weur",
        Some("AS") => "apac",
        Some("OC") => "oc",
        Some("AF") => "afr",
        _ => "any",
    }
}

/// The relay's object name for a socket from `network` (`None`: a bot) in `region`.
pub fn relay_name(region: &str, network: Option<&str>, per_region: u32) -> String {
    let shard = match network {
        Some(n) => {
            let h = Sha256::digest(n.as_bytes());
            u32::from_le_bytes([h[0], h[1], h[2], h[3]]) % per_region.max(1)
        }
        None => 0,
    };
    format!("relay-{region}-{shard}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_always_joins_the_same_relay_and_networks_spread() {
        let a = relay_name("weur", Some("203.0.113.7"), 4);
        assert_eq!(a, relay_name("weur", Some("203.0.113.7"), 4));
        let names: std::collections::BTreeSet<String> = (0..64)
            .map(|i| relay_name("weur", Some(&format!("198.51.100.{i}")), 4))
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("relay-weur-")));
        assert_eq!(relay_name("enam", None, 4), "relay-enam-0", "bots");
        assert_eq!(relay_name("enam", Some("x"), 0), "relay-enam-0");
    }

    #[test]
    fn continents_map_to_location_hints() {
        assert_eq!(region(Some("EU")), "weur");
        assert_eq!(region(Some("AS")), "apac");
        assert_eq!(region(Some("AN")), "any");
        assert_eq!(region(None), "any");
    }
}
