//! Percentiles of measured samples (nearest rank: every figure is an observed value).

pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub delay_ms: u64,
    pub jitter_ms: u64,
    pub loss_ppm: u32,
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

pub fn summarize(link: crate::link::Link, mut samples: Vec<f64>) -> Summary {
    samples.sort_by(f64::total_cmp);
    Summary { delay_ms: link.delay_ms, jitter_ms: link.jitter_ms, loss_ppm: link.loss_ppm, samples: samples.len(), p50_ms: percentile(&samples, 50.0), p90_ms: percentile(&samples, 90.0), p99_ms: percentile(&samples, 99.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_of_one_to_a_hundred() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&s, 50.0), Some(50.0));
        assert_eq!(percentile(&s, 90.0), Some(90.0));
        assert_eq!(percentile(&s, 99.0), Some(99.0));
        assert_eq!(percentile(&s, 0.0), Some(1.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn summary_sorts_its_samples() {
        let s = summarize(crate::link::Link { delay_ms: 50, ..Default::default() }, vec![30.0, 10.0, 20.0]);
        assert_eq!((s.samples, s.p50_ms, s.p99_ms), (3, Some(20.0), Some(30.0)));
    }
}
