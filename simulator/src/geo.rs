//! A geographic latency matrix: validators spread over eight cities, one-way delay from the
//! great-circle distance at the speed of light in fibre (about 200 km per ms) times a route
//! stretch of 1.5 (fibre paths are longer than great circles; Singla et al., "The Internet at
//! the Speed of Light", HotNets 2014, measure a median inflation of this order), plus 1 ms of
//! switching. A model with its parameters written down, not a measurement.

/// The cities, by latitude and longitude (degrees), in the order validators are placed.
pub const CITIES: [(&str, f64, f64); 8] = [
    ("Doha", 25.29, 51.53),
    ("Frankfurt", 50.11, 8.68),
    ("London", 51.51, -0.13),
    ("Ashburn", 39.04, -77.49),
    ("Portland", 45.52, -122.68),
    ("Sao Paulo", -23.55, -46.63),
    ("Singapore", 1.35, 103.82),
    ("Sydney", -33.87, 151.21),
];

const EARTH_RADIUS_KM: f64 = 6_371.0;
const FIBRE_KM_PER_MS: f64 = 200.0;
const ROUTE_STRETCH: f64 = 1.5;
const SWITCHING_MS: f64 = 1.0;

fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// One-way delay in ms between validators `a` and `b` (validator `i` is in city `i % 8`).
pub fn latency_ms(a: usize, b: usize) -> u64 {
    let (_, lat_a, lon_a) = CITIES[a % CITIES.len()];
    let (_, lat_b, lon_b) = CITIES[b % CITIES.len()];
    let km = great_circle_km((lat_a, lon_a), (lat_b, lon_b));
    (km / FIBRE_KM_PER_MS * ROUTE_STRETCH + SWITCHING_MS).round() as u64
}

/// The matrix for `n` validators.
pub fn matrix(n: usize) -> Vec<Vec<u64>> {
    (0..n).map(|a| (0..n).map(|b| latency_ms(a, b)).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doha_to_london_is_about_forty_ms_one_way_and_a_city_to_itself_one() {
        let london = latency_ms(0, 2);
        assert!((35..=45).contains(&london), "{london} ms");
        assert_eq!(latency_ms(3, 3 + 8), 1);
        assert_eq!(latency_ms(0, 2), latency_ms(2, 0));
    }
}
