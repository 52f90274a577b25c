//! Headless Chromium (Debian's package) driven over the DevTools protocol: launch, evaluate, wait, screenshot.
// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use base64::Engine;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

pub mod testnet;

/// How long one DevTools call may take before the browser counts as hung.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Chromium, or `None` with a note that `test` was skipped; in CI a missing browser fails.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed: run scripts/install-browser.sh (the dashboard's browser tests need it in CI)");
        }
        eprintln!("SKIPPED {test}: chromium is not installed (scripts/install-browser.sh installs it)");
    }
    found
}

/// The Chromium binary on PATH, if the system has one.
pub fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Uncaught exceptions the page threw, in order (the test fails on any).
    pub exceptions: Vec<String>,
    /// `console.error` lines, kept to explain a failure.
    pub console_errors: Vec<String>,
}

impl Browser {
    pub fn launch(binary: &Path, width: u32, height: u32) -> anyhow::Result<Self> {
        let profile = tempfile::tempdir().context("a temporary Chromium profile")?;
        let child = Command::new(binary)
            .args([
                "--headless",
                // Root in containers cannot use Chromium's user-namespace sandbox.
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        // With port 0 Chromium picks a free port and writes it to this file.
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port: u16 = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                if let Some(Ok(port)) = text.lines().next().map(str::parse) {
                    break port;
                }
            }
            if Instant::now() > deadline {
                bail!("Chromium wrote no {} within 30 s", port_file.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let targets: Value = ureq::get(&format!("http://127.0.0.1:{port}/json/list"))
            .call()
            .context("DevTools /json/list")?
            .body_mut()
            .read_json()
            .context("DevTools /json/list is JSON")?;
        let ws_url = targets
            .as_array()
            .and_then(|list| list.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .ok_or_else(|| anyhow!("Chromium lists no page target: {targets}"))?
            .to_string();
        let stream = TcpStream::connect(("127.0.0.1", port)).context("connecting to DevTools")?;
        stream.set_read_timeout(Some(CALL_TIMEOUT))?;
        let (socket, _) = tungstenite::client(ws_url.as_str(), stream).map_err(|e| anyhow!("DevTools websocket handshake with {ws_url}: {e}"))?;
        let mut browser = Browser { child, _profile: profile, socket, next_id: 1, exceptions: Vec::new(), console_errors: Vec::new() };
        browser.call("Runtime.enable", json!({}))?;
        browser.call("Page.enable", json!({}))?;
        Ok(browser)
    }

    /// Sends one DevTools command and returns its `result`, recording the events that arrive meanwhile.
    pub fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket.send(Message::Text(request.into())).with_context(|| format!("sending {method}"))?;
        loop {
            let message = self.socket.read().with_context(|| format!("waiting for the answer to {method}"))?;
            let Message::Text(text) = message else { continue };
            let value: Value = serde_json::from_str(text.as_str()).with_context(|| format!("DevTools sent non-JSON: {text}"))?;
            if value["id"] == id {
                if let Some(error) = value.get("error") {
                    bail!("{method} failed: {error}");
                }
                return Ok(value["result"].clone());
            }
            self.record_event(&value);
        }
    }

    fn record_event(&mut self, event: &Value) {
        match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => {
                let details = &event["params"]["exceptionDetails"];
                let text = details["exception"]["description"].as_str().or_else(|| details["text"].as_str()).unwrap_or("unknown exception");
                self.exceptions.push(text.to_string());
            }
            Some("Runtime.consoleAPICalled") if event["params"]["type"] == "error" => {
                let args: Vec<String> = event["params"]["args"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x["value"].as_str().map(str::to_string).unwrap_or_else(|| x["description"].to_string())).collect())
                    .unwrap_or_default();
                self.console_errors.push(args.join(" "));
            }
            _ => {}
        }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its JSON value.
    pub fn eval(&mut self, expression: &str) -> anyhow::Result<Value> {
        let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true}))?;
        if let Some(details) = result.get("exceptionDetails") {
            bail!("evaluating {expression:?} threw: {details}");
        }
        Ok(result["result"]["value"].clone())
    }

    /// Polls `expression` until it yields something other than null/false, or fails after `timeout`.
    pub fn wait_for(&mut self, what: &str, expression: &str, timeout: Duration) -> anyhow::Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(expression)?;
            if !(value.is_null() || value == Value::Bool(false)) {
                return Ok(value);
            }
            if Instant::now() > deadline {
                bail!("timed out after {timeout:?} waiting for {what}; exceptions {:?}, console errors {:?}", self.exceptions, self.console_errors);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Chooses `file` in the page's `<input type=file>` matched by `selector`, as a person picking it would.
    pub fn set_file_input(&mut self, selector: &str, file: &Path) -> anyhow::Result<()> {
        let document = self.call("DOM.getDocument", json!({}))?;
        let root = document["root"]["nodeId"].as_i64().ok_or_else(|| anyhow!("DOM.getDocument has no root: {document}"))?;
        let found = self.call("DOM.querySelector", json!({"nodeId": root, "selector": selector}))?;
        let node = found["nodeId"].as_i64().filter(|id| *id != 0).ok_or_else(|| anyhow!("no element matches {selector:?}"))?;
        self.call("DOM.setFileInputFiles", json!({"nodeId": node, "files": [file.display().to_string()]}))?;
        Ok(())
    }

    /// Records, in every page loaded after this call, what injected markup would do: dialogs a
    /// script opens (`window.__dialogs`) and what the Content-Security-Policy blocked
    /// (`window.__cspViolations`). Read them with `injections()`.
    pub fn watch_for_injections(&mut self) -> anyhow::Result<()> {
        let source = "window.__dialogs = []; window.__cspViolations = [];
            for (const name of ['alert', 'confirm', 'prompt']) window[name] = (m) => { window.__dialogs.push(name + ': ' + String(m)); };
            document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));";
        self.call("Page.addScriptToEvaluateOnNewDocument", json!({"source": source}))?;
        Ok(())
    }

    /// The dialogs opened and the CSP violations seen since the page loaded (see `watch_for_injections`).
    pub fn injections(&mut self) -> anyhow::Result<(Vec<String>, Vec<String>)> {
        let seen = self.eval("({dialogs: window.__dialogs || ['the watch script did not run'], csp: window.__cspViolations || []})")?;
        let strings = |v: &Value| v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default();
        Ok((strings(&seen["dialogs"]), strings(&seen["csp"])))
    }

    pub fn navigate(&mut self, url: &str) -> anyhow::Result<()> {
        let result = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(error) = result.get("errorText") {
            bail!("navigating to {url}: {error}");
        }
        Ok(())
    }

    /// Sets the viewport (a phone is `mobile`), then captures it as PNG into `path`: the whole page when `full_page`.
    pub fn screenshot(&mut self, path: &Path, width: u32, height: u32, mobile: bool, full_page: bool) -> anyhow::Result<()> {
        self.call("Emulation.setDeviceMetricsOverride", json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}))?;
        // The page redraws its charts for the new width after a short debounce.
        std::thread::sleep(Duration::from_millis(800));
        let metrics = self.call("Page.getLayoutMetrics", json!({}))?;
        let page_height = metrics["cssContentSize"]["height"].as_f64().unwrap_or(f64::from(height)).ceil();
        let full_height = if full_page { page_height } else { f64::from(height) };
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": width, "height": full_height, "scale": 1}}),
        )?;
        let data = shot["data"].as_str().ok_or_else(|| anyhow!("captureScreenshot returned no data"))?;
        let png = base64::engine::general_purpose::STANDARD.decode(data).context("screenshot data is base64")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A clean close ends Chromium's helper processes too, so the profile directory can be removed.
        let _ = self.call("Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
