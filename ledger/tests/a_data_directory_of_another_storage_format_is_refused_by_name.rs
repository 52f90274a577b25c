//! Scenario: a binary opens a data directory that another release wrote in another storage
//! format (an upgrade, or a downgrade). It refuses before reading anything, and the error names
//! the directory, the format and release that wrote it, and the format this binary reads.

use ledger::store::format::{mark, FORMAT, RELEASE};
use ledger::store::{ChainStore, RocksBackend, StoreError};

#[test]
fn a_new_directory_is_marked_and_reopens() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(ChainStore::open(dir.path()).expect("a new directory opens"));
    let store = ChainStore::open(dir.path()).expect("the directory this binary marked reopens");
    assert_eq!(store.latest_height().expect("reads"), None);
}

#[test]
fn a_directory_of_another_storage_format_is_refused_with_both_formats_and_the_release_that_wrote_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(ChainStore::open(dir.path()).expect("opens"));
    let other = FORMAT + 1;
    {
        let db = RocksBackend::open(dir.path()).expect("the engine opens");
        mark(&db, other, "solartrade 9.9.9").expect("marks");
    }
    let Err(err) = ChainStore::open(dir.path()) else { panic!("a directory of format {other} opened") };
    assert!(matches!(&err, StoreError::Format { found, written_by, .. } if *found == other && written_by == "solartrade 9.9.9"), "{err}");
    let text = err.to_string();
    for part in [&format!("storage format {other}"), "solartrade 9.9.9", &format!("reads storage format {FORMAT}"), RELEASE, &dir.path().display().to_string()] {
        assert!(text.contains(part), "the error does not say {part:?}: {text}");
    }
}
