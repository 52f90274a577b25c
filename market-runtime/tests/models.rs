//! The household models: physical bounds, shapes the issue asks for, determinism, CSV errors.

use market_runtime::model::solar::{clear_sky_ghi, cos_zenith};
use market_runtime::model::*;
use market_runtime::HouseholdKind;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn pv_never_exceeds_capacity_on_any_hour_of_the_year() {
    let pv = PvModel { location: Location::DOHA, capacity_w: 5_000.0, performance_ratio: 1.0 };
    for day in 1..=365 {
        for hour in 0..24 {
            let wh = pv.energy_wh(day, hour as f64, 1.0, 1.0);
            assert!(wh <= 5_000, "day {day} hour {hour}: {wh} Wh from 5 kWp");
        }
    }
}

#[test]
fn pv_is_zero_at_night_and_peaks_before_local_noon_in_doha() {
    let pv = PvModel { location: Location::DOHA, capacity_w: 5_000.0, performance_ratio: 0.8 };
    let day: Vec<u64> = (0..24).map(|h| pv.energy_wh(196, h as f64, 1.0, 1.0)).collect();
    for h in [0, 1, 2, 3, 20, 21, 22, 23] {
        assert_eq!(day[h], 0, "hour {h}");
    }
    // Doha (51.5 E) lies east of its UTC+3 meridian (45 E): solar noon comes ~26 min before 12:00.
    let peak = (0..24).max_by_key(|&h| day[h]).unwrap_or(0);
    assert_eq!(peak, 11, "{day:?}");
}

#[test]
fn cloudiness_scales_pv_down() {
    let pv = PvModel { location: Location::DOHA, capacity_w: 5_000.0, performance_ratio: 0.8 };
    assert!(pv.energy_wh(196, 11.0, 1.0, 0.5) < pv.energy_wh(196, 11.0, 1.0, 1.0));
}

#[test]
fn clear_sky_ghi_is_zero_below_the_horizon_and_near_1000_at_zenith() {
    assert_eq!(clear_sky_ghi(-0.1), 0.0);
    let overhead = clear_sky_ghi(1.0);
    assert!((1030.0..1050.0).contains(&overhead), "{overhead}");
    assert!(cos_zenith(&Location::DOHA, 172, 11.5) > 0.99);
}

#[test]
fn villa_uses_more_than_flat_and_ac_dominates_with_a_late_afternoon_peak() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let villa = LoadModel::sample(HouseholdKind::Villa, &mut rng);
    let flat = LoadModel::sample(HouseholdKind::Flat, &mut rng);
    // Gulf summer day: 31 °C at dawn to 42 °C mid-afternoon, lagged two hours.
    let temp = |h: u32| 36.5 + 5.5 * (2.0 * std::f64::consts::PI * ((h as f64 - 2.0) - 14.5) / 24.0).cos();
    let daily = |m: &LoadModel| (0..24).map(|h| m.hourly_wh(h, temp(h))).sum::<u64>();
    assert!(daily(&villa) > daily(&flat), "villa {} flat {}", daily(&villa), daily(&flat));
    let ac: f64 = (0..24).map(|h| villa.appliances_kw(h, temp(h))[0]).sum();
    let all: f64 = (0..24).map(|h| villa.appliances_kw(h, temp(h)).iter().sum::<f64>()).sum();
    assert!(ac / all > 0.5, "AC share {}", ac / all);
    let peak = (0..24).max_by_key(|&h| villa.hourly_wh(h, temp(h))).unwrap_or(0);
    assert!((15..=19).contains(&peak), "peak at {peak}");
}

#[test]
fn battery_state_of_charge_stays_within_bounds_and_pays_its_efficiencies() {
    let mut b = Battery::default();
    let step = b.step(-1_000.0, 1.0);
    assert_eq!(step.charged_wh, 1_000.0);
    assert!((b.soc_wh - (500.0 + 980.0)).abs() < 1e-9);
    // Ask for more than the power limit allows.
    let step = b.step(-10_000.0, 1.0);
    assert_eq!(step.charged_wh, 2_500.0);
    for net in [-9_000.0, -9_000.0, 9_000.0, 9_000.0, 9_000.0, -100.0] {
        let s = b.step(net, 1.0);
        assert!(s.soc_wh >= 500.0 - 1e-9 && s.soc_wh <= 5_000.0 + 1e-9, "{s:?}");
        assert!(s.charged_wh <= 2_500.0 && s.discharged_wh <= 2_500.0);
    }
}

#[test]
fn demand_response_keeps_daily_energy_and_moves_load_to_cheap_hours_within_ten_percent() {
    let load: Vec<u64> = (0..24).map(|h| 2_000 + 100 * h as u64).collect();
    let price: Vec<f64> = (0..24).map(|h| if (10..15).contains(&h) { 0.04 } else { 0.09 }).collect();
    let x = respond(&DemandResponse::default(), &load, &price);
    assert_eq!(x.iter().sum::<u64>(), load.iter().sum::<u64>());
    for h in 0..24 {
        let band = load[h] as f64 * 0.1 + 2.0;
        assert!((x[h] as f64 - load[h] as f64).abs() <= band, "hour {h}: {} vs {}", x[h], load[h]);
    }
    assert!(x[12] > load[12], "cheap hour gains load");
    assert!(x[20] < load[20], "dear hour loses load");
}

#[test]
fn demand_response_leaves_load_alone_when_prices_are_flat() {
    let load = vec![1_000u64, 2_000, 3_000, 4_000];
    assert_eq!(respond(&DemandResponse::default(), &load, &[0.09; 4]), load);
}

#[test]
fn same_seed_gives_the_same_community_and_another_seed_does_not() {
    let cfg = CommunityConfig { households: 20, hours: 24, ..CommunityConfig::default() };
    let a = Community::generate(&cfg).profile();
    let b = Community::generate(&cfg).profile();
    let c = Community::generate(&CommunityConfig { seed: 2, ..cfg }).profile();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn csv_with_good_rows_parses_in_order() {
    let text = "timestamp,household,load_wh,pv_wh\n0,a,1200,0\n0,b,800,300\n1,a,1000,50\n";
    let rows = read_csv(text.as_bytes()).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1], MeterRow { timestamp: 0, household: "b".into(), load_wh: 800, pv_wh: 300 });
    let p = Profile::from_rows(&rows);
    assert_eq!((p.households, p.slots), (2, 2));
    assert_eq!(p.load_wh[p.at(1, 1)], 0, "b has no row at timestamp 1");
}

#[test]
fn csv_bad_number_names_row_and_field() {
    let text = "timestamp,household,load_wh,pv_wh\n0,a,1200,0\n1,a,12x0,0\n";
    let err = read_csv(text.as_bytes()).unwrap_err().to_string();
    assert_eq!(err, "CSV row 3, field `load_wh`: \"12x0\" is not a non-negative integer");
}

#[test]
fn csv_negative_pv_is_rejected() {
    let text = "timestamp,household,load_wh,pv_wh\n0,a,1200,-5\n";
    assert!(matches!(read_csv(text.as_bytes()), Err(CsvError::NotAnInteger { row: 2, field: "pv_wh", .. })));
}

#[test]
fn csv_wrong_header_missing_field_duplicate_and_empty_are_rejected() {
    assert!(matches!(read_csv("time,hh,load,pv\n0,a,1,1\n".as_bytes()), Err(CsvError::Header { .. })));
    assert!(matches!(
        read_csv("timestamp,household,load_wh,pv_wh\n0,a,1\n".as_bytes()),
        Err(CsvError::FieldCount { row: 2, found: 3 })
    ));
    assert!(matches!(
        read_csv("timestamp,household,load_wh,pv_wh\n0,a,1,1\n0,a,2,2\n".as_bytes()),
        Err(CsvError::DuplicateRow { row: 3, timestamp: 0, .. })
    ));
    assert!(matches!(read_csv("timestamp,household,load_wh,pv_wh\n0,,1,1\n".as_bytes()), Err(CsvError::EmptyHousehold { row: 2 })));
    assert!(matches!(read_csv("timestamp,household,load_wh,pv_wh\n".as_bytes()), Err(CsvError::Empty)));
}
