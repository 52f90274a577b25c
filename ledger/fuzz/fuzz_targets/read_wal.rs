//! The consensus write-ahead log read back after a restart (`node_core::wal_record::read_log`):
//! any bytes on disk give entries, a torn tail or a named corruption, never a panic; what it
//! accepts re-encodes to the bytes it read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use node_core::wal_record::{read_log, WalEntry};

fuzz_target!(|data: &[u8]| {
    if let Ok(contents) = read_log(data) {
        let kept: Vec<u8> = contents.entries.iter().flat_map(WalEntry::encode).collect();
        assert_eq!(kept.len() + contents.torn_bytes, data.len());
        assert_eq!(kept.as_slice(), &data[..kept.len()]);
    }
});
