//! Where and when the simulated community lives, shared by `sim`, `meter-sim` and `testnet local`.

use market_runtime::model::{parse_day, Site};

#[derive(clap::Args, Debug, Clone)]
pub struct SeasonArgs {
    /// Site of the simulated community: doha (the paper's), freiburg or sydney.
    #[arg(long, default_value = "doha")]
    pub site: String,
    /// Day of the first slot: MM-DD or day of the year. 07-15 is the paper's Gulf summer, when
    /// air conditioning takes all the PV there is; 03-21 is a Doha spring day with surplus to trade.
    #[arg(long, default_value = "07-15")]
    pub day: String,
}

impl SeasonArgs {
    pub fn resolve(&self) -> anyhow::Result<(Site, u32)> {
        Ok((Site::by_name(&self.site)?, parse_day(&self.day)?))
    }

    /// The same flags, to pass on to a child process.
    pub fn to_args(&self) -> Vec<String> {
        vec!["--site".into(), self.site.clone(), "--day".into(), self.day.clone()]
    }
}
