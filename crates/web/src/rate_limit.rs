//! A small in-memory sliding-window limiter, for the public self-referral form (per address). Per
//! server process: with several app servers behind a load balancer each applies its own limit,
//! which still bounds abuse; a shared limiter belongs at the proxy. (The sign-in lockout is not
//! this: it must hold across processes, so it lives in the database: `linkwork_app::accounts::lockout`.)

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter<K = std::net::IpAddr> {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Records an attempt for `key` at `now`; false when it is over the limit.
    pub fn allow(&self, key: K, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            // Forget idle addresses so memory stays bounded.
            seen.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let times = seen.entry(key).or_default();
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_within_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let (a, b): (std::net::IpAddr, std::net::IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert!(limiter.allow(a, t));
        assert!(limiter.allow(a, t));
        assert!(!limiter.allow(a, t), "third within the window");
        assert!(limiter.allow(b, t), "other addresses are not affected");
        assert!(limiter.allow(a, t + Duration::from_secs(61)), "the window slides");
    }
}
