//! The administrator schedules the next protocol version at a height: blocks from that height
//! carry it, the state switches in that block, and wrong versions, short notice, strangers and
//! cancelling nothing are refused.

mod common;

use common::*;
use market_runtime::upgrade::{self, Scheduled, MIN_UPGRADE_NOTICE};
use market_runtime::*;

fn schedule(version: u32, height: u64) -> TxBody {
    TxBody::ScheduleUpgrade { version, height }
}

#[test]
fn an_upgrade_scheduled_by_the_administrator_starts_at_its_height() {
    let mut store = store_with(&genesis(1, 1_000, Mechanism::Sdr));
    for slot in 1..=5 {
        run_block_conserving(&mut store, slot, &[]);
    }
    assert_eq!(upgrade::active_version(&store), 0);
    assert_eq!(run_one(&mut store, tx(household_addr(0), 0, schedule(1, 40))), Err(TxError::NotAdministrator { sender: household_addr(0) }));
    assert_eq!(run_one(&mut store, tx(ADMIN, 0, schedule(2, 40))), Err(TxError::UpgradeVersion { version: 2, active: 0 }));
    assert_eq!(run_one(&mut store, tx(ADMIN, 0, schedule(0, 40))), Err(TxError::UpgradeVersion { version: 0, active: 0 }));
    assert_eq!(
        run_one(&mut store, tx(ADMIN, 0, schedule(1, 5 + MIN_UPGRADE_NOTICE - 1))),
        Err(TxError::UpgradeTooSoon { height: 14, earliest: 15, notice: MIN_UPGRADE_NOTICE })
    );
    assert_eq!(run_one(&mut store, tx(ADMIN, 0, schedule(1, 0))), Err(TxError::NoUpgradeScheduled));
    // Scheduled, rescheduled (a later schedule replaces one not started), cancelled, scheduled.
    assert_eq!(run_one(&mut store, tx(ADMIN, 0, schedule(1, 40))), Ok(()));
    assert_eq!(run_one(&mut store, tx(ADMIN, 1, schedule(1, 20))), Ok(()));
    assert_eq!(upgrade::scheduled(&store), Some(Scheduled { version: 1, height: 20 }));
    assert_eq!(run_one(&mut store, tx(ADMIN, 2, schedule(1, 0))), Ok(()));
    assert_eq!(upgrade::scheduled(&store), None);
    assert_eq!(run_one(&mut store, tx(ADMIN, 3, schedule(1, 20))), Ok(()));

    for height in 6..20 {
        assert_eq!(upgrade::version_at(&store, height), 0, "height {height} is before the upgrade");
        run_block_conserving(&mut store, height, &[]);
    }
    assert_eq!(upgrade::version_at(&store, 20), 1, "block 20 must carry the new version");
    assert_eq!(upgrade::active_version(&store), 0, "the state switches in block 20 itself");
    run_block_conserving(&mut store, 20, &[]);
    assert_eq!(upgrade::active_version(&store), 1);
    assert_eq!(upgrade::scheduled(&store), None);
    assert_eq!(upgrade::version_at(&store, 21), 1);
    // The next upgrade goes to 2, never back.
    assert_eq!(run_one(&mut store, tx(ADMIN, 4, schedule(1, 60))), Err(TxError::UpgradeVersion { version: 1, active: 1 }));
    assert_eq!(run_one(&mut store, tx(ADMIN, 4, schedule(u32::MAX, 60))), Err(TxError::UpgradeVersion { version: u32::MAX, active: 1 }));
    assert_eq!(run_one(&mut store, tx(ADMIN, 4, schedule(2, 60))), Ok(()));
}
