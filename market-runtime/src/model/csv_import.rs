//! Import of measured data: one CSV row per household and slot.
//!
//! Format (header required): `timestamp,household,load_wh,pv_wh` — `timestamp` is an integer
//! slot index or hour number (rows with the same timestamp form one slot; slots are taken in
//! ascending order), `household` any non-empty identifier, `load_wh` and `pv_wh` non-negative
//! integers (Wh over the slot). Errors name the row (1-based, header = row 1) and the field.

use std::collections::BTreeMap;

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeterRow {
    pub timestamp: u64,
    pub household: String,
    pub load_wh: u64,
    pub pv_wh: u64,
}

#[derive(Debug, Error)]
pub enum CsvError {
    #[error("CSV row {row}: {source}")]
    Read { row: u64, source: csv::Error },
    #[error("CSV header is {found:?}; expected timestamp,household,load_wh,pv_wh")]
    Header { found: Vec<String> },
    #[error("CSV row {row}: expected 4 fields, found {found}")]
    FieldCount { row: u64, found: usize },
    #[error("CSV row {row}, field `{field}`: {value:?} is not a non-negative integer")]
    NotAnInteger { row: u64, field: &'static str, value: String },
    #[error("CSV row {row}, field `household`: empty")]
    EmptyHousehold { row: u64 },
    #[error("CSV row {row}: household {household:?} already has a row for timestamp {timestamp}")]
    DuplicateRow { row: u64, household: String, timestamp: u64 },
    #[error("CSV has no data rows")]
    Empty,
}

const FIELDS: [&str; 4] = ["timestamp", "household", "load_wh", "pv_wh"];

/// Parses the whole CSV text into rows (in file order), checking every row.
pub fn read_csv(reader: impl std::io::Read) -> Result<Vec<MeterRow>, CsvError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(reader);
    let header = rdr.headers().map_err(|source| CsvError::Read { row: 1, source })?;
    let found: Vec<String> = header.iter().map(str::to_string).collect();
    if found != FIELDS {
        return Err(CsvError::Header { found });
    }
    let mut rows = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, record) in rdr.records().enumerate() {
        let row = i as u64 + 2;
        let record = record.map_err(|source| CsvError::Read { row, source })?;
        if record.len() != 4 {
            return Err(CsvError::FieldCount { row, found: record.len() });
        }
        let int = |idx: usize| -> Result<u64, CsvError> {
            record[idx].parse::<u64>().map_err(|_| CsvError::NotAnInteger {
                row,
                field: FIELDS[idx],
                value: record[idx].to_string(),
            })
        };
        let timestamp = int(0)?;
        let household = record[1].to_string();
        if household.is_empty() {
            return Err(CsvError::EmptyHousehold { row });
        }
        let (load_wh, pv_wh) = (int(2)?, int(3)?);
        if seen.insert((household.clone(), timestamp), ()).is_some() {
            return Err(CsvError::DuplicateRow { row, household, timestamp });
        }
        rows.push(MeterRow { timestamp, household, load_wh, pv_wh });
    }
    if rows.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(rows)
}
