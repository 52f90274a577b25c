//! The storage format a data directory is written in, recorded in it, so that a binary which
//! cannot read a directory says which release and format wrote it and which format it reads,
//! instead of failing deep inside a decode ("corrupt state") after an upgrade.

use super::{Backend, Column, StoreError};

/// The layout of blocks, certificates, state and signer records this binary reads and writes.
/// Raise it with any change a binary of the previous format could not read.
pub const FORMAT: u32 = 1;
/// The release that writes this format, recorded beside it for the operator.
pub const RELEASE: &str = concat!("solartrade ", env!("CARGO_PKG_VERSION"));

const META_FORMAT: &[u8] = b"storage_format";
const META_WRITTEN_BY: &[u8] = b"written_by";

/// Checks the directory's format; a directory without one (new, or written before formats
/// were recorded, which is format 1's layout) is marked with this binary's, synced.
pub(super) fn check<B: Backend>(db: &B) -> Result<(), StoreError> {
    match db.get(Column::Meta, META_FORMAT)? {
        Some(raw) => {
            let found = <[u8; 4]>::try_from(raw.as_slice())
                .map(u32::from_be_bytes)
                .map_err(|_| StoreError::Corrupt { what: "storage format".into(), reason: format!("{} bytes, expected 4", raw.len()) })?;
            if found == FORMAT {
                return Ok(());
            }
            let written_by = db
                .get(Column::Meta, META_WRITTEN_BY)?
                .map_or_else(|| "an unknown release".to_string(), |b| String::from_utf8_lossy(&b).into_owned());
            Err(StoreError::Format { path: db.describe(), found, written_by })
        }
        None => {
            let mut batch = db.new_batch();
            db.batch_put(&mut batch, Column::Meta, META_FORMAT, &FORMAT.to_be_bytes())?;
            db.batch_put(&mut batch, Column::Meta, META_WRITTEN_BY, RELEASE.as_bytes())?;
            db.write(batch, true)
        }
    }
}

/// Marks `db` as written in `format` by `release` (tests of a directory from another release).
#[doc(hidden)]
pub fn mark<B: Backend>(db: &B, format: u32, release: &str) -> Result<(), StoreError> {
    let mut batch = db.new_batch();
    db.batch_put(&mut batch, Column::Meta, META_FORMAT, &format.to_be_bytes())?;
    db.batch_put(&mut batch, Column::Meta, META_WRITTEN_BY, release.as_bytes())?;
    db.write(batch, true)
}
