//! Signed bid envelopes shared by the ledger's benchmarks.

use ledger::sign::Keypair;
use market_runtime::{Side, Tx, TxBody};

pub const CHAIN: &str = "solartrade-bench";

/// `count` signed bids for slot 7 from 100 senders, with sequential nonces per sender.
pub fn bids(count: u64, side: Side, quantity_wh: u64) -> Vec<Vec<u8>> {
    let senders: Vec<Keypair> = (0..100u8).map(|i| Keypair::from_seed(&[i; 32])).collect();
    (0..count)
        .map(|n| {
            let sender = &senders[(n % 100) as usize];
            let tx = Tx { sender: sender.public(), nonce: n / 100, body: TxBody::Bid { slot: 7, side, quantity_wh, meter: None, limit_price: None } };
            ledger::tx::encode_tx(sender, CHAIN, &tx).expect("bids encode")
        })
        .collect()
}
