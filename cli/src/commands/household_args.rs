//! The household registration flags, shared by `genesis add-household` and `tx register`.

use market_runtime::{HouseholdKind, HouseholdSpec};

#[derive(clap::Args)]
pub struct HouseholdArgs {
    /// Installed PV capacity, W.
    #[arg(long, default_value_t = 5000)]
    pv_capacity_w: u64,
    /// Battery capacity, Wh (0: no battery).
    #[arg(long, default_value_t = 5000)]
    battery_wh: u64,
    /// Battery charge and discharge power, W.
    #[arg(long, default_value_t = 2500)]
    battery_w: u64,
    /// Grid import limit, W.
    #[arg(long, default_value_t = 10000)]
    import_limit_w: u64,
    /// villa or flat.
    #[arg(long, default_value = "villa")]
    kind: String,
    #[arg(long, default_value = "")]
    lot: String,
}

impl HouseholdArgs {
    pub fn spec(self) -> anyhow::Result<HouseholdSpec> {
        let kind = match self.kind.as_str() {
            "villa" => HouseholdKind::Villa,
            "flat" => HouseholdKind::Flat,
            other => anyhow::bail!("--kind {other:?} is neither villa nor flat"),
        };
        Ok(HouseholdSpec {
            pv_capacity_w: self.pv_capacity_w,
            battery_wh: self.battery_wh,
            battery_w: self.battery_w,
            import_limit_w: self.import_limit_w,
            kind,
            lot: self.lot,
            node_key: None,
        })
    }
}
