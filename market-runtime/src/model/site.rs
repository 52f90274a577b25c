//! Where and when the simulated community lives: a site (solar geometry and a climate) and the
//! day its first slot falls on, so a season can be chosen as well as the paper's Gulf summer.

use super::solar::Location;

/// Outdoor temperature over the year: a daily mean that follows one annual cosine, and a
/// diurnal swing around it. Cooling load follows temperature (load.rs); heating is not modelled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Climate {
    pub annual_mean_c: f64,
    /// Half the difference between the hottest and the coolest daily mean.
    pub seasonal_amplitude_c: f64,
    /// Day of year of the hottest daily mean.
    pub hottest_day: u32,
    /// Half the difference between the afternoon maximum and the pre-dawn minimum.
    pub diurnal_half_range_c: f64,
}

impl Climate {
    /// The mean temperature of `day_of_year` (days past 365 wrap around).
    pub fn daily_mean_c(&self, day_of_year: u32) -> f64 {
        let phase = 2.0 * std::f64::consts::PI * (f64::from(day_of_year) - f64::from(self.hottest_day)) / 365.25;
        self.annual_mean_c + self.seasonal_amplitude_c * phase.cos()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Site {
    pub name: &'static str,
    pub location: Location,
    pub climate: Climate,
}

impl Site {
    /// Doha, the paper's site: daily means from about 18 °C in mid-January to 36.5 °C in
    /// mid-July (the summer the model was first written for).
    pub const DOHA: Site = Site {
        name: "doha",
        location: Location::DOHA,
        climate: Climate { annual_mean_c: 27.5, seasonal_amplitude_c: 9.0, hottest_day: 196, diurnal_half_range_c: 5.5 },
    };
    /// A temperate site (48.0 N, 7.85 E, UTC+1): little cooling, low winter sun.
    pub const FREIBURG: Site = Site {
        name: "freiburg",
        location: Location { latitude: 48.0, longitude: 7.85, utc_offset_h: 1.0 },
        climate: Climate { annual_mean_c: 11.5, seasonal_amplitude_c: 8.5, hottest_day: 200, diurnal_half_range_c: 5.0 },
    };
    /// A southern-hemisphere site (33.9 S, 151.2 E, UTC+10): summer in January.
    pub const SYDNEY: Site = Site {
        name: "sydney",
        location: Location { latitude: -33.9, longitude: 151.2, utc_offset_h: 10.0 },
        climate: Climate { annual_mean_c: 18.5, seasonal_amplitude_c: 4.5, hottest_day: 25, diurnal_half_range_c: 4.0 },
    };
    pub const ALL: [Site; 3] = [Site::DOHA, Site::FREIBURG, Site::SYDNEY];

    pub fn by_name(name: &str) -> Result<Site, SiteError> {
        Site::ALL.into_iter().find(|s| s.name.eq_ignore_ascii_case(name)).ok_or_else(|| SiteError::UnknownSite(name.to_string()))
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SiteError {
    #[error("unknown site {0:?}: one of doha, freiburg, sydney")]
    UnknownSite(String),
    #[error("{0:?} is not a day: give a day of the year (1-366) or a date MM-DD, e.g. 03-21")]
    BadDay(String),
}

const MONTH_STARTS: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// A day of the year from `196` or `07-15` (a non-leap year; 02-29 counts as 03-01).
pub fn parse_day(text: &str) -> Result<u32, SiteError> {
    let bad = || SiteError::BadDay(text.to_string());
    if let Some((m, d)) = text.split_once('-') {
        let month: usize = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > MONTH_DAYS[month - 1] {
            return Err(bad());
        }
        return Ok((MONTH_STARTS[month - 1] + day).min(365));
    }
    match text.parse::<u32>() {
        Ok(day) if (1..=366).contains(&day) => Ok(day),
        _ => Err(bad()),
    }
}

/// `07-15` for day 196, for reports.
pub fn format_day(day_of_year: u32) -> String {
    let day = (day_of_year.saturating_sub(1) % 365) + 1;
    let month = MONTH_STARTS.iter().rposition(|&start| start < day).unwrap_or(0);
    format!("{:02}-{:02}", month + 1, day - MONTH_STARTS[month])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_days_of_the_year_round_trip() {
        assert_eq!(parse_day("07-15"), Ok(196));
        assert_eq!(parse_day("196"), Ok(196));
        assert_eq!(parse_day("01-01"), Ok(1));
        assert_eq!(parse_day("12-31"), Ok(365));
        assert_eq!(format_day(196), "07-15");
        assert_eq!(format_day(80), "03-21");
        for bad in ["0", "367", "13-01", "02-30", "x", "07-"] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn doha_is_hottest_in_july_and_sydney_in_january() {
        let doha = Site::DOHA.climate;
        assert!((doha.daily_mean_c(196) - 36.5).abs() < 1e-9, "the summer the model was written for");
        assert!(doha.daily_mean_c(15) < 19.0);
        assert!(Site::SYDNEY.climate.daily_mean_c(25) > Site::SYDNEY.climate.daily_mean_c(196));
        assert_eq!(Site::by_name("Freiburg"), Ok(Site::FREIBURG));
        assert!(Site::by_name("atlantis").is_err());
    }
}
