//! The dashboard: a scope's evaluation for the last year and for each of its last five quarters,
//! and the words of its "what matters" conversations.
//!
//! Computing them reads every fact of the scope (seconds for an ICB of 100,000 referrals), and a
//! commissioner's dashboard is opened far more often than it needs to be recomputed. So the
//! figures are kept per scope and period with the data version they were computed at
//! (`EvaluationStore::data_version`, which every committed change moves on):
//! - at the current version they are served as they are;
//! - after a change, figures computed less than [`MAX_STALENESS`] ago are served at once, marked
//!   with their time, while newer ones are computed in the background: on a working day, when
//!   something changes every few seconds, nobody waits for each change;
//! - otherwise (the first view, or figures older than that) the request waits for the computation.
//! At most one computation per scope and period runs at a time; requests that arrive meanwhile
//! share it, and it runs on its own task, so a request given up on does not waste it.

use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::evaluation::report_scope::ReportScope;
use linkwork_domain::evaluation::word_cloud::{count_words, WordCount, DEFAULT_MIN_PEOPLE};
use linkwork_domain::evaluation::{evaluate, EvaluationSettings, Period, Report};
use linkwork_store::Store;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use time::{Date, Month, OffsetDateTime};
use tokio::sync::watch;

/// How old the figures shown may be while newer ones are computed. Older ones are not shown: the
/// request waits for the new figures instead.
pub const MAX_STALENESS: time::Duration = time::Duration::minutes(10);

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
    /// Those words drawn as the dashboard's word cloud (`lw-word-cloud`): drawn once with the
    /// figures, because laying the words out was a fifth of the time of every dashboard request.
    pub word_cloud_html: String,
    /// When they were computed.
    pub computed_at: OffsetDateTime,
}

/// The dashboard of the scope a user chose, with the scopes they may choose from.
pub struct Dashboard {
    pub scope: ReportScope,
    pub allowed: Vec<ReportScope>,
    pub figures: Arc<DashboardFigures>,
    /// The data has changed since the figures were computed (at `figures.computed_at`, less than
    /// [`MAX_STALENESS`] ago); newer ones are being computed.
    pub updating: bool,
}

/// The dashboard's figures as computed, shared by every request for the same scope and period
/// (one per server: several servers each keep their own, all keyed by the one data version).
pub type DashboardCache = FiguresCache<Key, DashboardFigures>;

/// Which figures: a scope (its organisation) over a period.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    scope: String,
    period: Period,
}

/// Values computed from the data at a data version, kept per key, at most one computation per key
/// at a time (see the module's documentation). Generic so its rules are tested on their own.
pub struct FiguresCache<K, T> {
    capacity: usize,
    entries: Mutex<Entries<K, T>>,
}

type Outcome<T> = Option<Result<Arc<T>, AppError>>;

struct Entries<K, T> {
    by_key: HashMap<K, Entry<T>>,
    /// Ticks on every lookup: finds the least recently used entry, and numbers computations.
    clock: u64,
}

struct Entry<T> {
    /// The last value computed, with the data version it was computed at and when.
    done: Option<Done<T>>,
    /// The computation under way, if any.
    running: Option<Running<T>>,
    used: u64,
}

struct Done<T> {
    version: String,
    value: Arc<T>,
    at: OffsetDateTime,
}

struct Running<T> {
    /// `None` until the computation ends; then its value, or why there is none.
    outcome: watch::Receiver<Outcome<T>>,
    id: u64,
}

/// What a lookup found.
enum Lookup<T> {
    /// Computed at the current version.
    Current(Arc<T>),
    /// Computed at an older version less than [`MAX_STALENESS`] ago; a newer one is on its way.
    Recent(Arc<T>),
    /// Nothing to show yet: wait for the computation under way.
    Wait(watch::Receiver<Outcome<T>>),
}

impl<K: Clone + Eq + Hash, T> FiguresCache<K, T> {
    pub fn new(capacity: usize) -> Self {
        FiguresCache { capacity: capacity.max(1), entries: Mutex::new(Entries { by_key: HashMap::new(), clock: 0 }) }
    }

    /// How many keys are kept now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K, T>> {
        // A panic while holding the lock leaves the map whole (every change below is one step).
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What to show for `key` when the data is at `version` at `now`. Unless the value is current,
    /// a computation is started with `start` (given where to send its outcome and its id, for
    /// [`FiguresCache::finished`]) if none is under way.
    fn lookup(&self, key: K, version: &str, now: OffsetDateTime, start: impl FnOnce(watch::Sender<Outcome<T>>, u64)) -> Lookup<T> {
        let mut entries = self.lock();
        entries.clock += 1;
        let tick = entries.clock;
        if entries.by_key.len() >= self.capacity && !entries.by_key.contains_key(&key) {
            let oldest = entries.by_key.iter().min_by_key(|(_, entry)| entry.used).map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                entries.by_key.remove(&oldest);
            }
        }
        let entry = entries.by_key.entry(key).or_insert(Entry { done: None, running: None, used: tick });
        entry.used = tick;
        if let Some(done) = entry.done.as_ref().filter(|done| done.version == version) {
            return Lookup::Current(Arc::clone(&done.value));
        }
        let outcome = match &entry.running {
            Some(running) => running.outcome.clone(),
            None => {
                let (sender, outcome) = watch::channel(None);
                entry.running = Some(Running { outcome: outcome.clone(), id: tick });
                start(sender, tick);
                outcome
            }
        };
        match entry.done.as_ref().filter(|done| now - done.at < MAX_STALENESS) {
            Some(recent) => Lookup::Recent(Arc::clone(&recent.value)),
            None => Lookup::Wait(outcome),
        }
    }

    /// Records the end of computation `id` for `key`, started at `version`: its value is kept
    /// (a failure keeps the last value), and the next change may start another.
    fn finished(&self, key: &K, id: u64, version: &str, at: OffsetDateTime, outcome: &Result<Arc<T>, AppError>) {
        let mut entries = self.lock();
        let Some(entry) = entries.by_key.get_mut(key) else { return };
        if entry.running.as_ref().is_some_and(|running| running.id == id) {
            entry.running = None;
            if let Ok(value) = outcome {
                entry.done = Some(Done { version: version.to_owned(), value: Arc::clone(value), at });
            }
        }
    }
}

/// The dashboard for the scope named by `requested` (as [`crate::report_scopes::resolve`]) over
/// `period`: access is checked on every request; the figures come from `cache` as the module's
/// documentation says.
pub async fn dashboard(store: &Arc<dyn Store>, cache: &Arc<DashboardCache>, actor: &Actor, requested: Option<&str>, period: Period) -> Result<Dashboard, AppError> {
    let (scope, allowed) = crate::report_scopes::resolve(&**store, actor, requested).await?;
    // Read before the figures: figures computed after reading version V are at least V's, so
    // keeping them under V never serves anything older than V as current.
    let version = store.data_version().await?;
    // An organisation is one scope, whoever asks: the figures are aggregates, the same for all.
    let key = Key { scope: scope.org_id.clone(), period };
    let found = cache.lookup(key.clone(), &version, OffsetDateTime::now_utc(), |sender, id| {
        let (store, cache, scope, version) = (Arc::clone(store), Arc::clone(cache), scope.clone(), version.clone());
        tokio::spawn(async move {
            let outcome = compute(&store, &scope, period).await.map(Arc::new);
            cache.finished(&key, id, &version, OffsetDateTime::now_utc(), &outcome);
            // Nobody waiting is fine: the figures stay in the cache for the next request.
            let _ = sender.send(Some(outcome));
        });
    });
    let (figures, updating) = match found {
        Lookup::Current(figures) => (figures, false),
        Lookup::Recent(figures) => (figures, true),
        Lookup::Wait(mut outcome) => {
            let settled = outcome.wait_for(Option::is_some).await.map_err(|_| AppError::Internal("the dashboard's figures were not computed".into()))?;
            (settled.clone().expect("waited for Some")?, false)
        }
    };
    Ok(Dashboard { scope, allowed, figures, updating })
}

async fn compute(store: &Arc<dyn Store>, scope: &ReportScope, period: Period) -> Result<DashboardFigures, AppError> {
    let input = linkwork_store::scoped_input(&**store, scope, period.to).await?;
    let practice = (scope.kind == linkwork_domain::evaluation::report_scope::ScopeKind::Practice).then_some(scope.org_id.as_str());
    let (utterances, names) = store.what_matters_texts(&scope.services, practice, period.from, period.to).await?;
    // Seconds of arithmetic at ICB scale: off the threads that answer requests.
    tokio::task::spawn_blocking(move || {
        let settings = EvaluationSettings::default();
        let words = count_words(&utterances, &names, DEFAULT_MIN_PEOPLE, MAX_WORDS, &settings.policy);
        DashboardFigures {
            year: evaluate(&input, period, &settings),
            by_quarter: quarters(period.to, 5).into_iter().map(|(label, quarter)| (label, evaluate(&input, quarter, &settings))).collect(),
            word_cloud_html: linkwork_report::word_cloud::word_cloud_html("lw-word-cloud", &words, DEFAULT_MIN_PEOPLE),
            words,
            computed_at: OffsetDateTime::now_utc(),
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

    /// A cache of numbers, to test its rules without computing figures.
    fn cache() -> FiguresCache<&'static str, u32> {
        FiguresCache::new(4)
    }

    fn at(minutes: i64) -> OffsetDateTime {
        time::macros::datetime!(2026-12-05 09:00 UTC) + time::Duration::minutes(minutes)
    }

    /// Looks `key` up at `version` and `minute`: what was found, and the id of the computation it
    /// started (if it started one).
    fn look(cache: &FiguresCache<&'static str, u32>, key: &'static str, version: &str, minute: i64) -> (&'static str, Option<u64>) {
        let mut started = None;
        let found = cache.lookup(key, version, at(minute), |_, id| started = Some(id));
        let kind = match found {
            Lookup::Current(_) => "current",
            Lookup::Recent(_) => "recent",
            Lookup::Wait(_) => "wait",
        };
        (kind, started)
    }

    fn finish(cache: &FiguresCache<&'static str, u32>, key: &'static str, id: u64, version: &str, minute: i64) {
        cache.finished(&key, id, version, at(minute), &Ok(Arc::new(1)));
    }

    #[test]
    fn the_first_view_waits_for_one_computation_that_later_views_share() {
        let cache = cache();
        let (found, first) = look(&cache, "icb", "v1", 0);
        assert_eq!((found, first.is_some()), ("wait", true));
        assert_eq!(look(&cache, "icb", "v1", 0), ("wait", None), "a second view shares the computation");
    }

    #[test]
    fn figures_at_the_current_version_are_served_without_computing() {
        let cache = cache();
        let id = look(&cache, "icb", "v1", 0).1.unwrap();
        finish(&cache, "icb", id, "v1", 1);
        assert_eq!(look(&cache, "icb", "v1", 30), ("current", None), "however old, while nothing changed");
    }

    #[test]
    fn after_a_change_recent_figures_are_served_while_new_ones_are_computed() {
        let cache = cache();
        let id = look(&cache, "icb", "v1", 0).1.unwrap();
        finish(&cache, "icb", id, "v1", 1);
        let (found, started) = look(&cache, "icb", "v2", 5);
        assert_eq!((found, started.is_some()), ("recent", true));
    }

    #[test]
    fn figures_older_than_the_limit_are_not_served_after_a_change() {
        let cache = cache();
        let id = look(&cache, "icb", "v1", 0).1.unwrap();
        finish(&cache, "icb", id, "v1", 1);
        let (found, started) = look(&cache, "icb", "v2", 1 + MAX_STALENESS.whole_minutes());
        assert_eq!((found, started.is_some()), ("wait", true));
    }

    #[test]
    fn changes_during_a_computation_start_no_second_one() {
        let cache = cache();
        let id = look(&cache, "icb", "v1", 0).1.unwrap();
        finish(&cache, "icb", id, "v1", 1);
        assert!(look(&cache, "icb", "v2", 2).1.is_some());
        assert_eq!(look(&cache, "icb", "v3", 3), ("recent", None));
        assert_eq!(look(&cache, "icb", "v4", 4), ("recent", None));
    }

    #[test]
    fn a_failed_computation_keeps_the_last_figures_and_the_next_view_tries_again() {
        let cache = cache();
        let id = look(&cache, "icb", "v1", 0).1.unwrap();
        finish(&cache, "icb", id, "v1", 1);
        let failed = look(&cache, "icb", "v2", 2).1.unwrap();
        cache.finished(&"icb", failed, "v2", at(3), &Err(AppError::Internal("database gone".into())));
        let (found, retried) = look(&cache, "icb", "v2", 4);
        assert_eq!((found, retried.is_some()), ("recent", true));
    }

    #[test]
    fn the_least_recently_used_key_goes_when_the_cache_is_full() {
        let cache: FiguresCache<&'static str, u32> = FiguresCache::new(2);
        look(&cache, "a", "v1", 0);
        look(&cache, "b", "v1", 0);
        look(&cache, "a", "v1", 0);
        look(&cache, "c", "v1", 0);
        assert_eq!(cache.len(), 2);
        assert_eq!(look(&cache, "a", "v1", 0).1, None, "a was used last, so it stayed");
        assert!(look(&cache, "b", "v1", 0).1.is_some(), "b went, so it starts again");
    }
}
