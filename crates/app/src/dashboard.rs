//! The dashboard: a scope's evaluation for the last year and for each of its last five quarters,
//! and the words of its "what matters" conversations.
//!
//! Computing them reads every fact of the scope (seconds for an ICB of 100,000 referrals), and a
//! commissioner's dashboard is opened far more often than the data behind it changes. So the
//! figures are kept per scope and period, together with the data version they were computed at
//! (`EvaluationStore::data_version`, which every committed change moves on); they are served
//! again while that version is current. Requests that arrive while the figures are being computed
//! wait for that one computation instead of starting their own, and the computation runs on its
//! own task, so a request given up on does not waste it.

use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::evaluation::report_scope::ReportScope;
use linkwork_domain::evaluation::word_cloud::{count_words, WordCount, DEFAULT_MIN_PEOPLE};
use linkwork_domain::evaluation::{evaluate, EvaluationSettings, Period, Report};
use linkwork_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{Date, Month};
use tokio::sync::watch;

/// How many (scope, period) entries a server keeps: every scope of a large ICB (its PCNs and
/// their practices) for today's period, with room for yesterday's. The least recently used go.
pub const DEFAULT_CAPACITY: usize = 1024;

/// The words the word cloud shows at most.
const MAX_WORDS: usize = 40;

/// What the dashboard shows of a scope over a period, small numbers suppressed.
#[derive(Debug)]
pub struct DashboardFigures {
    /// The evaluation over the whole period.
    pub year: Report,
    /// The evaluation over each of the last five calendar quarters, oldest first, with its label.
    pub by_quarter: Vec<(String, Report)>,
    /// The most used words of the period's "what matters" conversations (names left out).
    pub words: Vec<WordCount>,
}

/// The dashboard of the scope a user chose, with the scopes they may choose from.
pub struct Dashboard {
    pub scope: ReportScope,
    pub allowed: Vec<ReportScope>,
    pub figures: Arc<DashboardFigures>,
}

/// The dashboard's figures as computed, shared by every request for the same scope and period
/// (one per server: several servers each keep their own, all keyed by the one data version).
pub struct DashboardCache {
    capacity: usize,
    entries: Mutex<Entries>,
}

type Outcome = Option<Result<Arc<DashboardFigures>, AppError>>;

#[derive(Default)]
struct Entries {
    slots: HashMap<Key, Slot>,
    /// Ticks on every lookup, to find the least recently used slot.
    clock: u64,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    /// The scope's organisation.
    scope: String,
    period: Period,
}

struct Slot {
    version: String,
    /// `None` while the figures are being computed; then the figures, or why they could not be.
    outcome: watch::Receiver<Outcome>,
    used: u64,
    /// Tells this slot from a later one under the same key, when a failed computation removes it.
    id: u64,
}

impl DashboardCache {
    pub fn new(capacity: usize) -> Self {
        DashboardCache { capacity: capacity.max(1), entries: Mutex::new(Entries::default()) }
    }

    /// How many (scope, period) entries are kept now.
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves the map whole (every change below is one step).
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The receiver for `key`'s figures at `version`: the slot kept for them, or a new one whose
    /// computation `start` begins (given the sender and the slot's id).
    fn slot(&self, key: Key, version: &str, start: impl FnOnce(watch::Sender<Outcome>, u64)) -> watch::Receiver<Outcome> {
        let mut entries = self.lock();
        entries.clock += 1;
        let now = entries.clock;
        if let Some(slot) = entries.slots.get_mut(&key).filter(|slot| slot.version == version) {
            slot.used = now;
            return slot.outcome.clone();
        }
        if entries.slots.len() >= self.capacity && !entries.slots.contains_key(&key) {
            let oldest = entries.slots.iter().min_by_key(|(_, slot)| slot.used).map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                entries.slots.remove(&oldest);
            }
        }
        let (sender, outcome) = watch::channel(None);
        entries.slots.insert(key, Slot { version: version.to_owned(), outcome: outcome.clone(), used: now, id: now });
        start(sender, now);
        outcome
    }

    /// Forgets a slot whose computation failed, so the next request tries again.
    fn forget(&self, key: &Key, id: u64) {
        let mut entries = self.lock();
        if entries.slots.get(key).is_some_and(|slot| slot.id == id) {
            entries.slots.remove(key);
        }
    }
}

/// The dashboard for the scope named by `requested` (as [`crate::report_scopes::resolve`]) over
/// `period`: access is checked on every request; the figures come from `cache` when they were
/// computed at the current data version.
pub async fn dashboard(store: &Arc<dyn Store>, cache: &Arc<DashboardCache>, actor: &Actor, requested: Option<&str>, period: Period) -> Result<Dashboard, AppError> {
    let (scope, allowed) = crate::report_scopes::resolve(&**store, actor, requested).await?;
    // Read before the figures: figures computed after reading version V are at least V's, so
    // keeping them under V never serves anything older than V.
    let version = store.data_version().await?;
    // An organisation is one scope, whoever asks: the figures are aggregates, the same for all.
    let key = Key { scope: scope.org_id.clone(), period };
    let mut outcome = cache.slot(key.clone(), &version, |sender, id| {
        let (store, cache, scope) = (Arc::clone(store), Arc::clone(cache), scope.clone());
        tokio::spawn(async move {
            let figures = compute(&store, &scope, period).await.map(Arc::new);
            if figures.is_err() {
                cache.forget(&key, id);
            }
            // Nobody waiting is fine: the figures stay in the cache for the next request.
            let _ = sender.send(Some(figures));
        });
    });
    let settled = outcome.wait_for(Option::is_some).await.map_err(|_| AppError::Internal("the dashboard's figures were not computed".into()))?;
    let figures = settled.clone().expect("waited for Some")?;
    Ok(Dashboard { scope, allowed, figures })
}

async fn compute(store: &Arc<dyn Store>, scope: &ReportScope, period: Period) -> Result<DashboardFigures, AppError> {
    let input = linkwork_store::scoped_input(&**store, scope, period.to).await?;
    let practice = (scope.kind == linkwork_domain::evaluation::report_scope::ScopeKind::Practice).then_some(scope.org_id.as_str());
    let (utterances, names) = store.what_matters_texts(&scope.services, practice, period.from, period.to).await?;
    // Seconds of arithmetic at ICB scale: off the threads that answer requests.
    tokio::task::spawn_blocking(move || {
        let settings = EvaluationSettings::default();
        DashboardFigures {
            year: evaluate(&input, period, &settings),
            by_quarter: quarters(period.to, 5).into_iter().map(|(label, quarter)| (label, evaluate(&input, quarter, &settings))).collect(),
            words: count_words(&utterances, &names, DEFAULT_MIN_PEOPLE, MAX_WORDS, &settings.policy),
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("computing the dashboard failed: {e}")))
}

const MONTH_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The last `n` calendar quarters up to `to` (the last one may be partial), oldest first, each
/// with its label (`Oct–Dec 2026 (to date)`).
pub fn quarters(to: Date, n: usize) -> Vec<(String, Period)> {
    let mut out = Vec::new();
    let (mut year, mut q) = (to.year(), (to.month() as u8 - 1) / 3);
    for _ in 0..n {
        let first = Month::try_from(q * 3 + 1).unwrap_or(Month::January);
        let last = Month::try_from(q * 3 + 3).unwrap_or(Month::December);
        let (Ok(from), Ok(quarter_end)) = (Date::from_calendar_date(year, first, 1), Date::from_calendar_date(year, last, last.length(year))) else { break };
        let end = quarter_end.min(to);
        let partial = if end < quarter_end { " (to date)" } else { "" };
        if let Ok(p) = Period::new(from, end) {
            out.push((format!("{}–{} {year}{partial}", MONTH_ABBR[usize::from(q * 3)], MONTH_ABBR[usize::from(q * 3 + 2)]), p));
        }
        if q == 0 {
            q = 3;
            year -= 1;
        } else {
            q -= 1;
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_last_quarter_runs_to_the_day_and_says_so() {
        let q = quarters(date!(2026 - 12 - 05), 5);
        assert_eq!(q.len(), 5);
        assert_eq!(q[0].0, "Oct–Dec 2025");
        assert_eq!(q[4].0, "Oct–Dec 2026 (to date)");
        assert_eq!((q[4].1.from, q[4].1.to), (date!(2026 - 10 - 01), date!(2026 - 12 - 05)));
    }

    fn key(scope: &str) -> Key {
        Key { scope: scope.into(), period: Period::new(date!(2025 - 12 - 06), date!(2026 - 12 - 05)).unwrap() }
    }

    #[test]
    fn a_second_request_at_the_same_version_starts_no_computation() {
        let cache = DashboardCache::new(4);
        let mut started = 0;
        let _first = cache.slot(key("a"), "v1", |_, _| started += 1);
        let _second = cache.slot(key("a"), "v1", |_, _| started += 1);
        assert_eq!(started, 1);
    }

    #[test]
    fn a_new_data_version_starts_a_new_computation() {
        let cache = DashboardCache::new(4);
        let mut started = 0;
        let _first = cache.slot(key("a"), "v1", |_, _| started += 1);
        let _second = cache.slot(key("a"), "v2", |_, _| started += 1);
        assert_eq!(started, 2);
        assert_eq!(cache.len(), 1, "the old version's figures are replaced, not kept beside");
    }

    #[test]
    fn the_least_recently_used_entry_goes_when_the_cache_is_full() {
        let cache = DashboardCache::new(2);
        let _a = cache.slot(key("a"), "v1", |_, _| {});
        let _b = cache.slot(key("b"), "v1", |_, _| {});
        let _a_again = cache.slot(key("a"), "v1", |_, _| {});
        let _c = cache.slot(key("c"), "v1", |_, _| {});
        assert_eq!(cache.len(), 2);
        let mut started = 0;
        let _a_kept = cache.slot(key("a"), "v1", |_, _| started += 1);
        let _b_gone = cache.slot(key("b"), "v1", |_, _| started += 1);
        assert_eq!(started, 1, "a was used last, so b went");
    }

    #[test]
    fn a_failed_computation_is_forgotten_so_the_next_request_tries_again() {
        let cache = DashboardCache::new(4);
        let mut id = 0;
        let _first = cache.slot(key("a"), "v1", |_, slot| id = slot);
        cache.forget(&key("a"), id);
        let mut started = 0;
        let _second = cache.slot(key("a"), "v1", |_, _| started += 1);
        assert_eq!(started, 1);
    }
}
