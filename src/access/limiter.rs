//! Failed sign-ins, counted per principal and per client address in one-minute windows:
//! past the policy's limit, further attempts are refused (429) until the window ends, so a
//! password cannot be guessed at speed from one place, nor one account from many.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::policy::SignInLimit;

const WINDOW: Duration = Duration::from_secs(60);

/// Entries kept before expired ones are swept: bounds memory under a spray of names.
const SWEEP_AT: usize = 50_000;

#[derive(Debug, Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<Key, Window>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Principal(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl SignInLimiter {
    /// How long until `principal` (from `address`) may try again, if it may not now.
    pub fn wait(
        &self,
        limit: SignInLimit,
        principal: Option<&str>,
        address: Option<IpAddr>,
    ) -> Option<Duration> {
        let failures = self.failures.lock().ok()?;
        let over = |key: Key, max: u32| {
            failures
                .get(&key)
                .filter(|w| w.started.elapsed() < WINDOW && w.failures >= max)
                .map(|w| WINDOW.saturating_sub(w.started.elapsed()))
        };
        let by_principal = principal
            .and_then(|p| over(Key::Principal(p.to_owned()), limit.per_principal_per_minute));
        let by_address = address.and_then(|a| over(Key::Address(a), limit.per_address_per_minute));
        by_principal.max(by_address)
    }

    /// Counts one failed attempt against both keys.
    pub fn failed(&self, principal: Option<&str>, address: Option<IpAddr>) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= SWEEP_AT {
            failures.retain(|_, w| w.started.elapsed() < WINDOW);
        }
        let keys = principal
            .map(|p| Key::Principal(p.to_owned()))
            .into_iter()
            .chain(address.map(Key::Address));
        for key in keys {
            let window = failures.entry(key).or_insert(Window {
                started: Instant::now(),
                failures: 0,
            });
            if window.started.elapsed() >= WINDOW {
                *window = Window {
                    started: Instant::now(),
                    failures: 0,
                };
            }
            window.failures = window.failures.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_past_its_limit_waits_and_others_do_not() {
        let limiter = SignInLimiter::default();
        let limit = SignInLimit {
            per_principal_per_minute: 3,
            per_address_per_minute: 100,
        };
        for _ in 0..3 {
            assert!(limiter.wait(limit, Some("alice"), None).is_none());
            limiter.failed(Some("alice"), None);
        }
        let wait = limiter.wait(limit, Some("alice"), None).expect("throttled");
        assert!(wait <= WINDOW && wait > Duration::from_secs(50));
        assert!(limiter.wait(limit, Some("bob"), None).is_none());
    }

    #[test]
    fn an_address_past_its_limit_waits_whatever_name_it_tries() {
        let limiter = SignInLimiter::default();
        let limit = SignInLimit {
            per_principal_per_minute: 100,
            per_address_per_minute: 2,
        };
        let address: IpAddr = [10, 0, 0, 7].into();
        limiter.failed(Some("a"), Some(address));
        limiter.failed(Some("b"), Some(address));
        assert!(limiter.wait(limit, Some("c"), Some(address)).is_some());
        assert!(
            limiter
                .wait(limit, Some("c"), Some([10, 0, 0, 8].into()))
                .is_none()
        );
    }
}
