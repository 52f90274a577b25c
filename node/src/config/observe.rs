//! `[metrics]` and `[log]`: what the node reports about itself, and where.

use super::{invalid, ConfigError, DEFAULT_METRICS_PORT};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    pub enabled: bool,
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { enabled: true, listen: format!("127.0.0.1:{DEFAULT_METRICS_PORT}") }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: LogFormat::Text, level: "info".into() }
    }
}

impl MetricsConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        self.listen
            .parse::<std::net::SocketAddr>()
            .map_err(|e| invalid("metrics.listen", &self.listen, &e.to_string()))?;
        Ok(())
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[metrics]
# Prometheus text on /metrics. Default port {DEFAULT_METRICS_PORT}.
enabled = {}
listen = {:?}
"#,
            self.enabled, self.listen,
        )
    }
}

impl LogConfig {
    pub(super) fn documented_toml(&self) -> String {
        let format = match self.format {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        };
        format!(
            r#"[log]
# "text" or "json".
format = "{format}"
# A tracing filter, e.g. "info" or "node=debug,libp2p=warn".
level = {:?}
"#,
            self.level,
        )
    }
}
