//! The shipped Prometheus alerting rules (deploy/prometheus/solartrade-alerts.yml) only name
//! metrics a node exports: a renamed metric would otherwise silence an alert without a word.

use std::collections::BTreeSet;

#[test]
fn every_metric_an_alert_rule_names_is_one_the_node_exports() {
    let metrics = node::metrics::Metrics::new();
    // A counter family is only rendered once it has a labelled child.
    metrics.refused("consensus", "malformed");
    let exported = metrics.render();
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/prometheus/solartrade-alerts.yml")).unwrap();
    let named: BTreeSet<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("solartrade_"))
        .collect();
    assert!(named.len() >= 6, "the rules name too few metrics: {named:?}");
    for name in named {
        let present = exported.lines().any(|l| l.starts_with(name) && l[name.len()..].starts_with([' ', '{']));
        assert!(present, "alert rules name {name}, which the node does not export:\n{exported}");
    }
}
