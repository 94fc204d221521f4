//! Quantiles the intervals need, accurate to about 1e-13 relative.
//!
//! statrs's own gamma/chi-squared `inverse_cdf` stops after 8 bisection and 4 Newton steps, which
//! is not always enough for large degrees of freedom, so the chi-squared quantile here solves
//! `P(df/2, x/2) = p` with its own safeguarded Newton iteration on statrs's regularised incomplete
//! gamma functions.

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

/// The standard normal 97.5% quantile, `scipy.stats.norm.ppf(0.975)`, used by every 95% interval
/// built on the normal distribution.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// The standard normal quantile; `None` unless `0 < p < 1`.
pub fn normal_quantile(p: f64) -> Option<f64> {
    (p > 0.0 && p < 1.0).then(|| Normal::standard().inverse_cdf(p))
}

/// Upper tail of the standard normal, `P(Z > z)`.
pub(super) fn normal_sf(z: f64) -> f64 {
    Normal::standard().sf(z)
}

/// The `p` quantile of the chi-squared distribution with `df` degrees of freedom (as
/// `scipy.stats.chi2.ppf(p, df)`); `None` unless `df > 0` and `0 < p < 1`.
pub fn chi_squared_quantile(p: f64, df: f64) -> Option<f64> {
    if !(df > 0.0 && df.is_finite() && p > 0.0 && p < 1.0) {
        return None;
    }
    gamma_quantile(df / 2.0, p).map(|x| 2.0 * x)
}

/// The `p` quantile of Gamma(shape `a`, scale 1): the `x` with `P(a, x) = p`.
fn gamma_quantile(a: f64, p: f64) -> Option<f64> {
    // Work on whichever tail is smaller, so that p close to 1 keeps its precision.
    let upper = p > 0.5;
    let target = if upper { 1.0 - p } else { p };
    // f(x) > 0 once x is past the quantile.
    let f = |x: f64| if upper { target - gamma_ur(a, x) } else { gamma_lr(a, x) - target };
    let ln_norm = ln_gamma(a);
    let density = |x: f64| ((a - 1.0) * x.ln() - x - ln_norm).exp();

    // Bracket the root.
    let (mut lo, mut hi) = (0.0_f64, a.max(1.0));
    while f(hi) < 0.0 {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return None;
        }
    }
    // Start from the Wilson–Hilferty approximation when it lies inside the bracket.
    let z = Normal::standard().inverse_cdf(p);
    let wh = a * (1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt())).powi(3);
    let mut x = if wh > lo && wh < hi { wh } else { (lo + hi) / 2.0 };
    for _ in 0..200 {
        let fx = f(x);
        if fx == 0.0 {
            return Some(x);
        }
        if fx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let d = density(x);
        let newton = if d > 0.0 && d.is_finite() { x - fx / d } else { f64::NAN };
        // Take the Newton step when it stays inside the bracket, else bisect.
        let next = if newton > lo && newton < hi { newton } else { (lo + hi) / 2.0 };
        if (next - x).abs() <= 1e-15 * x.abs().max(f64::MIN_POSITIVE) || hi - lo <= 1e-15 * hi {
            return Some(next);
        }
        x = next;
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1.0)
    }

    #[test]
    fn normal_quantile_matches_scipy() {
        assert!(close(normal_quantile(0.975).unwrap(), Z_975, 1e-15));
        assert_eq!(normal_quantile(0.0), None);
        assert_eq!(normal_quantile(1.0), None);
    }

    #[test]
    fn chi_squared_quantiles_match_scipy() {
        // scipy.stats.chi2.ppf(p, df)
        let cases = [
            (0.975, 2.0, 7.377758908227871),
            (0.025, 2.0, 0.05063561596857975),
            (0.025, 10.0, 3.2469727802368413),
            (0.975, 12.0, 23.33666415864534),
            (0.025, 2000.0, 1877.9460368153905),
            (0.975, 2002.0, 2127.904272032604),
            (0.5, 1.0, 0.454936423119572),
        ];
        for (p, df, want) in cases {
            let got = chi_squared_quantile(p, df).unwrap();
            assert!(close(got, want, 1e-12), "chi2.ppf({p}, {df}) = {got}, want {want}");
        }
        assert_eq!(chi_squared_quantile(0.5, 0.0), None);
        assert_eq!(chi_squared_quantile(1.0, 2.0), None);
    }
}
