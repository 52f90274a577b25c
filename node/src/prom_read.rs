//! Reading Prometheus text back: histogram buckets and counters scraped from nodes, and
//! percentiles estimated from merged buckets (what `testnet local` reports).

/// Cumulative buckets `(upper bound, count)` of histogram `name`, ascending, `+Inf` last.
pub fn histogram(text: &str, name: &str) -> Vec<(f64, u64)> {
    let prefix = format!("{name}_bucket{{");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else { continue };
        let Some(le_at) = rest.find("le=\"") else { continue };
        let after = &rest[le_at + 4..];
        let Some(end) = after.find('"') else { continue };
        let le = match &after[..end] {
            "+Inf" => f64::INFINITY,
            v => match v.parse::<f64>() {
                Ok(x) => x,
                Err(_) => continue,
            },
        };
        let Some(value) = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()) else { continue };
        out.push((le, value as u64));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// Sums the buckets of several nodes (same bounds).
pub fn merge(histograms: &[Vec<(f64, u64)>]) -> Vec<(f64, u64)> {
    let mut merged: Vec<(f64, u64)> = Vec::new();
    for h in histograms {
        for (i, (le, c)) in h.iter().enumerate() {
            match merged.get_mut(i) {
                Some(m) if m.0 == *le => m.1 += c,
                _ => merged.push((*le, *c)),
            }
        }
    }
    merged
}

/// The value below which a fraction `q` of observations fall, interpolated linearly
/// inside the bucket that holds it (as Prometheus' `histogram_quantile` does).
pub fn quantile(buckets: &[(f64, u64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut prev_le = 0.0;
    let mut prev_count = 0u64;
    for (le, count) in buckets {
        if *count as f64 >= rank {
            if le.is_infinite() {
                return Some(prev_le);
            }
            let in_bucket = (*count - prev_count) as f64;
            let frac = if in_bucket > 0.0 { (rank - prev_count as f64) / in_bucket } else { 1.0 };
            return Some(prev_le + (le - prev_le) * frac);
        }
        prev_le = *le;
        prev_count = *count;
    }
    Some(prev_le)
}

/// The value of a counter or gauge line `name value` (no labels).
pub fn value(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
}

pub fn count(buckets: &[(f64, u64)]) -> u64 {
    buckets.last().map_or(0, |b| b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# TYPE x histogram\nx_sum 1.0\nx_count 10\nx_bucket{le=\"0.001\"} 2\nx_bucket{le=\"0.002\"} 6\nx_bucket{le=\"0.004\"} 10\nx_bucket{le=\"+Inf\"} 10\nsolartrade_h 42\n";

    #[test]
    fn percentiles_interpolate_inside_the_bucket() {
        let b = histogram(TEXT, "x");
        assert_eq!(b.len(), 4);
        assert_eq!(count(&b), 10);
        let p50 = quantile(&b, 0.5).unwrap();
        assert!((p50 - 0.00175).abs() < 1e-9, "{p50}");
        let p99 = quantile(&b, 0.99).unwrap();
        assert!(p99 > 0.002 && p99 <= 0.004, "{p99}");
        assert_eq!(value(TEXT, "solartrade_h"), Some(42.0));
    }

    #[test]
    fn merging_two_nodes_adds_their_counts() {
        let b = histogram(TEXT, "x");
        let m = merge(&[b.clone(), b]);
        assert_eq!(count(&m), 20);
        assert_eq!(quantile(&[(1.0, 0), (f64::INFINITY, 0)], 0.5), None);
    }
}
