use super::*;
use market_runtime::Side;

const ADMIN: Address = [0xad; 32];

fn tx(sender: u8, nonce: u64, body: TxBody, len: usize) -> PoolTx {
    let mut hash = [0u8; 32];
    hash[0] = sender;
    hash[1..9].copy_from_slice(&nonce.to_be_bytes());
    let sender = if sender == 0xad { ADMIN } else { [sender; 32] };
    PoolTx { hash, tx: Tx { sender, nonce, body }, bytes: vec![0; len] }
}

fn bid(sender: u8, nonce: u64, slot: u64) -> PoolTx {
    tx(sender, nonce, TxBody::Bid { slot, side: Side::Buy, quantity_wh: 100, meter: None, limit_price: None }, 150)
}

fn transfer(sender: u8, nonce: u64) -> PoolTx {
    tx(sender, nonce, TxBody::Transfer { to: [1; 32], amount: 1 }, 150)
}

fn limits() -> Limits {
    Limits { max_txs: 4, max_bytes: 10_000, max_per_account: 2, max_tx_bytes: 1000 }
}

#[test]
fn the_same_transaction_twice_is_refused_as_duplicate() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(bid(1, 0, 1)).unwrap();
    assert!(matches!(pool.insert(bid(1, 0, 1)), Err(MempoolError::Duplicate(_))));
    assert_eq!(pool.len(), 1);
}

#[test]
fn limits_on_count_account_and_size_hold() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(bid(1, 0, 1)).unwrap();
    pool.insert(bid(1, 1, 2)).unwrap();
    assert!(matches!(pool.insert(bid(1, 2, 3)), Err(MempoolError::AccountFull { count: 2, max: 2, .. })));
    pool.insert(bid(2, 0, 1)).unwrap();
    pool.insert(bid(3, 0, 1)).unwrap();
    assert_eq!(pool.insert(bid(4, 0, 1)).unwrap(), vec![bid(1, 1, 2).hash], "a bid of the slot evicts one of a later slot");
    assert!(matches!(pool.insert(bid(5, 0, 1)), Err(MempoolError::Full { count: 4, .. })), "a bid of the slot cannot evict another");
    let mut big = bid(6, 0, 1);
    big.bytes = vec![0; 1001];
    assert_eq!(pool.insert(big).unwrap_err(), MempoolError::TooLarge { len: 1001, max: 1000 });
    assert_eq!(pool.bytes(), 4 * 150);
}

#[test]
fn a_full_pool_of_spam_gives_way_to_a_bid_of_the_slot_and_to_the_administrator() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    for sender in 10..14 {
        pool.insert(transfer(sender, 0)).unwrap();
    }
    let evicted = pool.insert(bid(1, 0, 1)).unwrap();
    assert_eq!(evicted, vec![transfer(13, 0).hash], "the newest spam goes first");
    let approve = tx(0xad, 0, TxBody::ApproveHousehold { household: [1; 32] }, 150);
    assert_eq!(pool.insert(approve).unwrap().len(), 1);
    assert_eq!(pool.len(), 4);
    assert!(matches!(pool.insert(transfer(20, 0)), Err(MempoolError::Full { .. })), "spam cannot evict spam");
}

#[test]
fn eviction_takes_an_accounts_later_nonces_with_it() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(transfer(10, 0)).unwrap();
    pool.insert(transfer(11, 0)).unwrap();
    pool.insert(transfer(11, 1)).unwrap();
    pool.insert(transfer(12, 0)).unwrap();
    let evicted = pool.insert(bid(1, 0, 1)).unwrap();
    assert_eq!(evicted, vec![transfer(12, 0).hash]);
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(transfer(12, 0)).unwrap();
    pool.insert(transfer(10, 0)).unwrap();
    pool.insert(transfer(11, 1)).unwrap();
    pool.insert(transfer(11, 0)).unwrap();
    let evicted = pool.insert(bid(1, 0, 1)).unwrap();
    assert_eq!(evicted, vec![transfer(11, 0).hash, transfer(11, 1).hash]);
}

#[test]
fn reap_leaves_later_bids_and_orders_each_account_by_nonce() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(bid(2, 1, 2)).unwrap();
    pool.insert(bid(2, 0, 1)).unwrap();
    pool.insert(bid(1, 0, 3)).unwrap();
    let reaped: Vec<(u8, u64)> = pool.reap(2, 10, usize::MAX).iter().map(|t| (t.tx.sender[0], t.tx.nonce)).collect();
    assert_eq!(reaped, vec![(2, 0), (2, 1)]);
    assert_eq!(pool.reap(1, 10, usize::MAX).len(), 1);
}

#[test]
fn reap_stays_within_the_byte_budget_and_puts_the_administrator_first() {
    let mut pool = Mempool::new(Limits { max_txs: 100, ..limits() }, 1, ADMIN);
    for sender in 1..10 {
        pool.insert(bid(sender, 0, 1)).unwrap();
    }
    pool.insert(tx(0xad, 0, TxBody::ApproveHousehold { household: [1; 32] }, 150)).unwrap();
    let budget = 3 * (150 + TX_FRAMING_BYTES);
    let reaped = pool.reap(1, 100, budget);
    assert_eq!(reaped.len(), 3);
    assert_eq!(reaped[0].tx.sender, ADMIN);
}

#[test]
fn after_a_block_included_used_and_stale_transactions_leave_and_next_bids_move_up() {
    let mut pool = Mempool::new(limits(), 1, ADMIN);
    pool.insert(bid(1, 0, 1)).unwrap();
    pool.insert(bid(2, 0, 1)).unwrap();
    pool.insert(bid(3, 5, 3)).unwrap();
    pool.insert(bid(4, 0, 2)).unwrap();
    // Sender 3's nonce 5 was used by a transaction this pool never held (another node's).
    let included = [(bid(1, 0, 1).hash, bid(1, 0, 1).tx.sender), ([0xee; 32], bid(3, 5, 3).tx.sender)];
    let evicted = pool.after_block(&included, 2, |a| if a[0] == 3 { 6 } else { 0 });
    assert_eq!(evicted.len(), 2, "bid of the closed slot 1 and the used nonce 5");
    assert_eq!(pool.len(), 1);
    assert_eq!(pool.bytes(), 150);
    assert!(matches!(pool.insert(bid(5, 0, 1)), Err(MempoolError::StaleSlot { slot: 1, next_slot: 2 })));
    for sender in 10..13 {
        pool.insert(transfer(sender, 0)).unwrap();
    }
    assert!(matches!(pool.insert(transfer(20, 0)), Err(MempoolError::Full { .. })));
    assert_eq!(pool.insert(bid(6, 0, 2)).unwrap().len(), 1, "the promoted slot-2 bid class lets a new one in");
    assert!(pool.contains(&bid(4, 0, 2).hash), "the slot-2 bid admitted earlier was promoted, not evicted");
}

#[test]
fn members_of_a_rotated_administrator_come_first_and_the_old_key_no_longer_does() {
    let mut pool = Mempool::new(Limits { max_txs: 100, ..limits() }, 1, ADMIN);
    pool.set_administrators(&[[7; 32], [8; 32]]);
    for sender in 1..5 {
        pool.insert(bid(sender, 0, 1)).unwrap();
    }
    pool.insert(tx(0xad, 0, TxBody::CloseMarket, 150)).unwrap();
    pool.insert(tx(8, 0, TxBody::CloseMarket, 150)).unwrap();
    let reaped = pool.reap(1, 100, 2 * (150 + TX_FRAMING_BYTES));
    assert_eq!(reaped[0].tx.sender, [8; 32]);
    assert!(reaped.iter().all(|t| t.tx.sender != ADMIN), "the old key is an ordinary sender now");
}
