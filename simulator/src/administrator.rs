//! The network administrator's part in a run: validator updates and protocol upgrades, sent as
//! the real transactions through a node's admission, as an operator would over RPC.

use market_runtime::{Tx, TxBody};
use node_core::channel::Channel;

use crate::node::MAX_NONCE_AHEAD;
use crate::setup::CHAIN_ID;
use crate::world::{Event, World};

/// How long the administrator waits for a node to be up before trying again.
const RETRY_MS: u64 = 500;

impl World<'_> {
    /// Submits `config.validator_updates[update]`.
    pub(crate) fn validator_update(&mut self, update: usize) {
        let Some(wanted) = self.config.validator_updates.get(update).cloned() else { return };
        let Some(validator) = self.setup.validators.get(wanted.validator).map(|k| k.public()) else {
            return self.violation(None, format!("validator update {update} names validator {}, which the run does not have", wanted.validator));
        };
        let body = TxBody::ValidatorUpdate { validator, power: wanted.power, node_key: None };
        self.submit_admin(body, Event::ValidatorUpdate { update }, &format!("validator update {update}"));
    }

    /// Submits `config.upgrades[upgrade]`.
    pub(crate) fn schedule_upgrade(&mut self, upgrade: usize) {
        let Some(wanted) = self.config.upgrades.get(upgrade).cloned() else { return };
        let body = TxBody::ScheduleUpgrade { version: wanted.version, height: wanted.height };
        self.submit_admin(body, Event::ScheduleUpgrade { upgrade }, &format!("upgrade {upgrade}"));
    }

    /// Signs `body` as the administrator and submits it to a node that is up, chosen at random
    /// (`retry` again later when none is); a refusal is a violation (the scenario asked for an
    /// action the chain cannot take).
    fn submit_admin(&mut self, body: TxBody, retry: Event, what: &str) {
        let up: Vec<usize> = (0..self.nodes.len()).filter(|&i| self.nodes[i].is_up()).collect();
        if up.is_empty() {
            return self.schedule(self.now.saturating_add(RETRY_MS), retry);
        }
        let node = up[rand::Rng::gen_range(&mut self.rng, 0..up.len())];
        let admin = &self.setup.administrator;
        let Some(driver) = self.nodes[node].driver.as_mut() else { return };
        let sender = admin.public();
        let committed = market_runtime::account(driver.chain().state(), &sender).map(|a| a.nonce).unwrap_or(0);
        let nonce = driver.mempool().next_nonce(&sender, committed);
        let admitted = ledger::tx::encode_tx(admin, CHAIN_ID, &Tx { sender, nonce, body })
            .map_err(|e| e.to_string())
            .and_then(|bytes| driver.admit_bytes(&bytes, MAX_NONCE_AHEAD).map(|_| bytes).map_err(|e| e.to_string()));
        match admitted {
            Ok(bytes) => self.publish(node, None, Channel::Txs, ledger::batch::encode_tx_batch(&[bytes])),
            Err(e) => self.violation(Some(node), format!("{what} refused: {e}")),
        }
    }
}
