//! One simulated host: the consensus core plus what a real node keeps on disk (decided
//! certificates, the signer's last step, a write-ahead log of inputs with a synced prefix).

use std::collections::BTreeMap;

use crate::certificate::CommitCertificate;
use crate::consensus::Consensus;
use crate::io::{Input, SignedStep};
use crate::params::Params;
use crate::types::{Height, ValidatorId};

use super::config::Behaviour;
use crate::testing::{SimSigner, SimVerifier};

pub(crate) struct SimNode {
    pub(crate) validator: usize,
    pub(crate) id: ValidatorId,
    pub(crate) behaviour: Option<Behaviour>,
    pub(crate) signer: SimSigner,
    params: Params,
    pub(crate) core: Consensus,
    pub(crate) up: bool,
    /// Bumped at every crash so timers set before it are ignored.
    pub(crate) incarnation: u64,
    /// Height the core is running (0 before the first start).
    pub(crate) height: Height,
    // --- disk: survives a crash ---
    pub(crate) decided: BTreeMap<Height, CommitCertificate>,
    pub(crate) signer_state: Option<SignedStep>,
    /// Inputs of the running height; only `wal[..wal_synced]` survives a crash.
    pub(crate) wal: Vec<Input>,
    pub(crate) wal_synced: usize,
    pub(crate) keep_wal: bool,
    // --- volatile ---
    /// A peer seen at a higher height, to ask for certificates.
    pub(crate) ahead: Option<(Height, usize)>,
    pub(crate) height_started_ms: BTreeMap<Height, u64>,
}

impl SimNode {
    pub(crate) fn new(validator: usize, id: ValidatorId, behaviour: Option<Behaviour>, params: &Params, keep_wal: bool) -> Self {
        let mut params = params.clone();
        if behaviour == Some(Behaviour::Amnesia) {
            params.planted_bug_ignore_locks = true;
        }
        let core = Self::fresh_core(&params, id);
        Self {
            validator,
            id,
            behaviour,
            signer: SimSigner(id),
            params,
            core,
            up: behaviour != Some(Behaviour::Silent),
            incarnation: 0,
            height: 0,
            decided: BTreeMap::new(),
            signer_state: None,
            wal: Vec::new(),
            wal_synced: 0,
            keep_wal,
            ahead: None,
            height_started_ms: BTreeMap::new(),
        }
    }

    fn fresh_core(params: &Params, id: ValidatorId) -> Consensus {
        Consensus::new(params.clone(), Some(id), Box::new(SimSigner(id)), Box::new(SimVerifier))
    }

    pub(crate) fn is_honest(&self) -> bool {
        self.behaviour.is_none()
    }

    pub(crate) fn log(&mut self, input: &Input) {
        if self.keep_wal {
            self.wal.push(input.clone());
        }
    }

    pub(crate) fn sync_wal(&mut self) {
        self.wal_synced = self.wal.len();
    }

    /// The crash: volatile state and the unsynced log tail are gone.
    pub(crate) fn crash(&mut self) {
        self.up = false;
        self.incarnation += 1;
        self.wal.truncate(self.wal_synced);
        self.ahead = None;
    }

    /// The restart: a fresh core that knows the last signed step; returns the log to replay.
    pub(crate) fn restart(&mut self) -> Vec<Input> {
        self.up = true;
        self.core = Self::fresh_core(&self.params, self.id);
        self.core.restore_signer_state(self.signer_state);
        self.height = self.decided.keys().next_back().map_or(0, |h| *h);
        self.wal.clone()
    }

    pub(crate) fn last_decided(&self) -> Height {
        self.decided.keys().next_back().copied().unwrap_or(0)
    }
}
