//! Exact non-negative rationals over u128, for SDR and prices before rounding.

use serde::{Deserialize, Serialize};

/// `num / den`. `den == 0` stands for "infinite" (SDR with no buyers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u128,
    pub den: u128,
}

impl Ratio {
    pub fn new(num: u128, den: u128) -> Self {
        Self { num, den }
    }

    pub fn is_infinite(&self) -> bool {
        self.den == 0
    }

    /// Rounded down; `None` when infinite.
    pub fn floor(&self) -> Option<u128> {
        self.num.checked_div(self.den)
    }

    /// A decimal string with `digits` fractional digits (rounded down), or "inf". For display only.
    pub fn to_decimal(&self, digits: u32) -> String {
        let Some(int) = self.floor() else {
            return "inf".to_string();
        };
        if digits == 0 {
            return int.to_string();
        }
        let scale = 10u128.pow(digits);
        // num % den < den, and den is a Wh total (< 2^40) here, so the product fits.
        let frac = (self.num % self.den).saturating_mul(scale) / self.den;
        format!("{int}.{frac:0width$}", width = digits as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::Ratio;

    #[test]
    fn decimal_is_rounded_down_and_infinite_is_named() {
        assert_eq!(Ratio::new(2, 3).to_decimal(4), "0.6666");
        assert_eq!(Ratio::new(7, 2).to_decimal(1), "3.5");
        assert_eq!(Ratio::new(1, 0).to_decimal(3), "inf");
        assert_eq!(Ratio::new(5, 5).to_decimal(0), "1");
    }
}
