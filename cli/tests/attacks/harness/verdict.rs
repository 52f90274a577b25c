//! Every check a scenario makes is recorded rather than asserted at once, so that a failing
//! scenario reports all the ways it failed (a crash, a halt, a missing counter) in one run.

use serde_json::Value;

/// The Prometheus counter each node raises when gossip validation (or sync) refuses a message.
pub const REJECTED_COUNTER: &str = "solartrade_p2p_rejected_messages_total";

/// The `reason` label a scenario expects on the rejected-messages counter.
#[derive(Debug, Clone, Copy)]
pub enum Reason {
    /// Any reason (until the lead confirms the labels).
    Any,
    Is(&'static str),
}

/// A rejected-messages counter that must rise during the attack on at least `min_nodes` nodes.
#[derive(Debug, Clone, Copy)]
pub struct Rejections {
    /// `txs`, `consensus`, `evidence` or `sync`.
    pub channel: &'static str,
    pub reason: Reason,
    pub min_nodes: usize,
}

fn label<'a>(labels: &'a str, name: &str) -> Option<&'a str> {
    let at = labels.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &labels[at..];
    Some(&rest[..rest.find('"')?])
}

/// The counter's total for `channel` (and `reason`) in Prometheus text; None when the node
/// does not export the counter at all.
pub fn rejected_total(text: &str, channel: &str, reason: Reason) -> Option<u64> {
    if !text.contains(REJECTED_COUNTER) {
        return None;
    }
    let prefix = format!("{REJECTED_COUNTER}{{");
    let total = text
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|rest| {
            let (labels, value) = rest.split_once("} ")?;
            let reason_ok = match reason {
                Reason::Any => true,
                Reason::Is(r) => label(labels, "reason") == Some(r),
            };
            (label(labels, "channel") == Some(channel) && reason_ok).then(|| value.trim().parse::<f64>().ok())?
        })
        .sum::<f64>();
    Some(total as u64)
}

/// Checks that an RPC refusal has the documented shape `{"error":{"code","message"}}` with a
/// code and a message that are not empty; returns the code and message.
pub fn rpc_error(body: &str) -> Result<(String, String), String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("body is not JSON ({e}): {:?}", short(body)))?;
    let code = v["error"]["code"].as_str().unwrap_or_default();
    let message = v["error"]["message"].as_str().unwrap_or_default();
    if code.is_empty() || message.is_empty() {
        return Err(format!("no error.code and error.message in {}", short(body)));
    }
    Ok((code.to_string(), message.to_string()))
}

pub fn short(text: &str) -> String {
    let mut end = text.len().min(200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[derive(Debug, Default)]
pub struct Verdict {
    pub failures: Vec<String>,
    pub notes: Vec<String>,
}

impl Verdict {
    pub fn check(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if !ok {
            let f = failure();
            crate::step!("FAIL {f}");
            self.failures.push(f);
        }
    }

    pub fn fail(&mut self, failure: String) {
        self.check(false, || failure);
    }

    pub fn note(&mut self, note: String) {
        crate::step!("{note}");
        self.notes.push(note);
    }
}
