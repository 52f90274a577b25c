//! The node's home directory, laid out in the CometBFT manner.

use std::path::{Path, PathBuf};

/// Default home: `~/.solartrade`.
pub fn default_home() -> PathBuf {
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".solartrade"),
        None => PathBuf::from(".solartrade"),
    }
}

/// Paths of everything a node keeps under its home directory.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("home directory {0} does not exist (run `solartrade init --home {0}` first)")]
    Missing(PathBuf),
    #[error("home directory {path} lacks {what} at {file} (run `solartrade init` or copy it there)")]
    MissingFile { path: PathBuf, what: &'static str, file: PathBuf },
    #[error("{path} already holds {file}; pass --force to overwrite it")]
    AlreadyInitialised { path: PathBuf, file: PathBuf },
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
}

impl Home {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Home { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config_dir(&self) -> PathBuf {
        self.root.join("config")
    }
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }
    pub fn config_file(&self) -> PathBuf {
        self.config_dir().join("config.toml")
    }
    pub fn genesis_file(&self) -> PathBuf {
        self.config_dir().join("genesis.json")
    }
    pub fn node_key_file(&self) -> PathBuf {
        self.config_dir().join("node_key.json")
    }
    pub fn validator_key_file(&self) -> PathBuf {
        self.config_dir().join("validator_key.json")
    }
    /// RocksDB chain store (blocks, certificates, state, signer state).
    pub fn chain_db(&self) -> PathBuf {
        self.data_dir().join("chain")
    }
    /// The consensus write-ahead log.
    pub fn wal_file(&self) -> PathBuf {
        self.data_dir().join("cs.wal")
    }

    /// Creates `config/` and `data/`.
    pub fn create_dirs(&self) -> Result<(), HomeError> {
        for dir in [self.config_dir(), self.data_dir()] {
            std::fs::create_dir_all(&dir).map_err(|source| HomeError::Create { path: dir.clone(), source })?;
        }
        Ok(())
    }

    /// Checks that a home exists and holds the files `start` needs, so the operator gets
    /// one clear message instead of a failure deep inside start-up.
    pub fn check_ready(&self) -> Result<(), HomeError> {
        if !self.root.is_dir() {
            return Err(HomeError::Missing(self.root.clone()));
        }
        for (what, file) in [
            ("the configuration", self.config_file()),
            ("the genesis", self.genesis_file()),
            ("the node key", self.node_key_file()),
        ] {
            if !file.is_file() {
                return Err(HomeError::MissingFile { path: self.root.clone(), what, file });
            }
        }
        Ok(())
    }
}
