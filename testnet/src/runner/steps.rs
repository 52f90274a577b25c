//! A manifest's steps, one at a time against the running testnet, and the checks after them:
//! probe fates, evidence, latency phases. Apart from the testnet's setup so each reads alone.

use super::{apply, describe, hold, measure_latency, say, Options, RunError, StepReport, Testnet};
use crate::history::History;
use crate::latency::{summarize, Summary};
use crate::link::Link;
use crate::manifest::{Manifest, Step};
use crate::probe::{self, Fate, Probe};
use indicatif::ProgressBar;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What a manifest run works with, fixed once the testnet is up.
pub(super) struct Run<'a> {
    pub(super) t: &'a Testnet,
    pub(super) o: &'a Options,
    pub(super) manifest: &'a Manifest,
    pub(super) bar: ProgressBar,
    pub(super) started: Instant,
    /// Whether this kernel can emulate a WAN (sch_netem); without it those steps are skipped.
    pub(super) netem: bool,
}

/// What the run gathers step by step, for the report.
pub(super) struct Record {
    pub(super) history: History,
    pub(super) violations: Vec<String>,
    pub(super) probes: Vec<Probe>,
    pub(super) reports: Vec<StepReport>,
    pub(super) skipped: Vec<String>,
}

impl Run<'_> {
    /// Applies step `i` with a probe bid alongside, waits for the validators to recover, then
    /// checks the chain.
    pub(super) fn step(&self, i: usize, step: &Step, rec: &mut Record) -> Result<(), RunError> {
        let (t, o, bar) = (self.t, self.o, &self.bar);
        let what = describe(step);
        if matches!(step, Step::Netem { .. }) && !self.netem {
            say(bar, format!("[{:>5.0} s] step {}: {what}: SKIPPED (no netem in this kernel)", self.started.elapsed().as_secs_f64(), i + 1));
            rec.skipped.push(what);
            bar.inc(1);
            return Ok(());
        }
        say(bar, format!("[{:>5.0} s] step {}: {what}", self.started.elapsed().as_secs_f64(), i + 1));
        // The probe goes to a validator the step leaves alone, so its acknowledgement is
        // not lost with a killed process's memory.
        let via = step.node().map(|n| (n + 1) % o.validators).unwrap_or(0);
        let index = o.homes + (i % o.probes.max(1));
        match probe::submit(&t.nodes[via].1, via, o.seed, index, i + 1) {
            Ok(p) => rec.probes.push(p),
            Err(e) => rec.violations.push(format!("step {}: the probe bid was not acknowledged by {}: {e}", i + 1, t.nodes[via].0)),
        }
        let during = match step {
            Step::Upgrade { version, notice } => {
                super::upgrade::take(t, o, *version, *notice, bar, &mut rec.violations)?;
                None
            }
            _ => apply(t, step, bar)?,
        };
        let healed_at = t.max_height();
        let recover_s = self.manifest.recover_s;
        let recovered = t.wait_recovered(healed_at, Duration::from_secs(recover_s), bar);
        for (j, r) in recovered.iter().enumerate() {
            if r.is_none() {
                rec.violations.push(format!("step {} ({what}): validator-{j} did not commit above height {healed_at} within {recover_s} s", i + 1));
            }
        }
        if let Some((h0, h1)) = during {
            if !step.keeps_quorum() && h1 > h0 {
                rec.violations.push(format!("step {} ({what}): the chain grew from {h0} to {h1} while split (no half has a quorum)", i + 1));
            }
        }
        rec.history.verify(&t.nodes, &mut rec.violations);
        say(bar, format!("          recovered in {:?} s; verified heights {:?}; violations so far {}", recovered, rec.history.verified(), rec.violations.len()));
        rec.reports.push(StepReport { step: what, recovered_s: recovered, heights_during: during });
        bar.inc(1);
        hold(bar, "quiet", self.manifest.quiet_s);
        Ok(())
    }

    /// Each probe's fate, for the report; a lost or doubled one is a violation.
    pub(super) fn judge_probes(&self, rec: &mut Record) -> Vec<Value> {
        let mut fates = Vec::new();
        for p in &rec.probes {
            let f = probe::fate(p, &rec.history, &self.t.nodes[p.via].1);
            if let Fate::Violation(why) = &f {
                rec.violations.push(format!("step {}: {why}", p.step));
            }
            fates.push(json!({"step": p.step, "via": p.via, "slot": p.slot, "hash": p.hash, "fate": format!("{f:?}")}));
        }
        fates
    }

    /// The manifest's latency phases this kernel can delay itself; the others are left to relays.
    pub(super) fn latency_phases(&self, rec: &mut Record) -> Result<Vec<Summary>, RunError> {
        let (t, bar) = (self.t, &self.bar);
        let mut latency: Vec<Summary> = Vec::new();
        let Some(l) = &self.manifest.latency else { return Ok(latency) };
        for &delay in &l.delays_ms {
            if delay > 0 && !self.netem {
                say(bar, format!("latency phase {delay} ms: no netem in this kernel; measured through relay containers instead (see solartrade-e2e)"));
                continue;
            }
            say(bar, format!("[{:>5.0} s] latency phase: {delay} ms one-way delay on every container for {} s", self.started.elapsed().as_secs_f64(), l.secs));
            for c in &t.containers {
                if delay > 0 {
                    t.docker.netem(c, delay, 0, 0.0)?;
                }
            }
            let link = Link { delay_ms: delay, ..Link::default() };
            let samples = measure_latency(t, link, l.secs, bar);
            for c in &t.containers {
                t.docker.clear_netem(c)?;
            }
            let s = summarize(link, samples);
            say(bar, format!("          commit latency p50 {:?} p90 {:?} p99 {:?} ms (samples {})", s.p50_ms, s.p90_ms, s.p99_ms, s.samples));
            latency.push(s);
        }
        rec.history.verify(&t.nodes, &mut rec.violations);
        Ok(latency)
    }

    /// Latency phases that need relays (no netem, or jitter and loss): the links still to measure.
    pub(super) fn relay_links(&self) -> Vec<Link> {
        match &self.manifest.latency {
            Some(l) => {
                let delays = l.delays_ms.iter().filter(|d| !self.netem && **d > 0).map(|&delay_ms| Link { delay_ms, ..Link::default() });
                delays.chain(l.links.iter().copied()).collect()
            }
            None => Vec::new(),
        }
    }
}
