//! Link workers' community work: time spent away from casework getting to know local
//! organisations and finding community assets (seed: "the link worker is given space and time to
//! leave the office and form relationships to find out local assets").

use crate::text::coded_enum;

coded_enum! {
    ActivityKind, field = "kind", prompt = "Select the kind of activity" {
        Visit = "visit", "Visit to an organisation or group";
        Meeting = "meeting", "Meeting with a partner";
        Event = "event", "Community event";
        Networking = "networking", "Network or forum";
        AssetMapping = "asset_mapping", "Finding community assets";
    }
}

/// Community work as a share of a link worker's recorded time (community minutes and contact
/// minutes), as a percentage; `None` when nothing was recorded.
pub fn community_share_pct(community_minutes: i64, contact_minutes: i64) -> Option<f64> {
    let total = community_minutes.max(0) + contact_minutes.max(0);
    (total > 0).then(|| community_minutes.max(0) as f64 / total as f64 * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_of_recorded_time() {
        assert_eq!(community_share_pct(0, 0), None);
        assert_eq!(community_share_pct(60, 240), Some(20.0));
        assert_eq!(community_share_pct(120, 0), Some(100.0));
        assert_eq!(ActivityKind::parse("asset_mapping").unwrap(), ActivityKind::AssetMapping);
        assert!(ActivityKind::parse("lunch").is_err());
    }
}
