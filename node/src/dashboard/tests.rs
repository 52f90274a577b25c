//! The page is complete (every referenced file embedded), self-contained (no other origin) and served with the right types.

use super::{router, ASSETS};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn asset(path: &str) -> Option<&'static super::Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// Values of `attr="..."` in `text`.
fn attribute_values<'a>(text: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!("{attr}=\"");
    text.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &text[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Relative module specifiers of `import ... from './x.js'` lines.
fn imports(js: &str) -> Vec<&str> {
    js.lines()
        .filter(|l| l.trim_start().starts_with("import "))
        .filter_map(|l| {
            let start = l.find("from '")? + "from '".len();
            let end = l[start..].find('\'')? + start;
            Some(&l[start..end])
        })
        .collect()
}

#[test]
fn every_file_the_page_references_is_embedded() {
    let index = asset("index.html").expect("index.html is embedded");
    let mut referenced: Vec<String> = Vec::new();
    for attr in ["src", "href"] {
        for value in attribute_values(index.body, attr) {
            let path = value
                .strip_prefix(super::ASSET_PREFIX)
                .unwrap_or_else(|| panic!("index.html references {value:?} outside {}", super::ASSET_PREFIX));
            referenced.push(path.to_string());
        }
    }
    assert!(referenced.iter().any(|p| p == "js/main.js"), "index.html loads main.js: {referenced:?}");
    for js in ASSETS.iter().filter(|a| a.path.ends_with(".js")) {
        for spec in imports(js.body) {
            let file = spec.strip_prefix("./").unwrap_or_else(|| panic!("{} imports {spec:?}, not a sibling module", js.path));
            referenced.push(format!("js/{file}"));
        }
    }
    for path in &referenced {
        assert!(asset(path).is_some(), "{path} is referenced but not embedded");
    }
}

#[test]
fn every_js_file_in_the_assets_folder_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/dashboard/assets/js");
    let on_disk = std::fs::read_dir(&dir).expect("assets/js exists");
    for entry in on_disk {
        let name = entry.expect("readable entry").file_name().to_string_lossy().into_owned();
        assert!(asset(&format!("js/{name}")).is_some(), "assets/js/{name} exists but is not in ASSETS");
    }
}

/// Code lines (not `//` comments) of every script.
fn script_lines() -> impl Iterator<Item = (&'static str, &'static str)> {
    ASSETS
        .iter()
        .filter(|a| a.path.ends_with(".js"))
        .flat_map(|a| a.body.lines().map(move |l| (a.path, l)))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
}

#[test]
fn no_script_turns_a_string_into_markup() {
    for (path, line) in script_lines() {
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            assert!(!line.contains(sink), "{path} uses {sink}: chain data must go in as text (dom.js): {line}");
        }
    }
}

#[test]
fn every_key_the_page_imports_is_non_extractable() {
    let imports: Vec<&str> = script_lines().filter(|(_, l)| l.contains("importKey(")).map(|(_, l)| l).collect();
    assert!(!imports.is_empty(), "txsign.js imports the administrator key");
    for line in imports {
        assert!(line.contains(", false, ["), "a key imported extractable: {line}");
    }
}

#[test]
fn the_page_has_no_inline_script_or_style_for_the_csp_to_refuse() {
    let index = asset("index.html").expect("index.html is embedded").body;
    assert!(!index.contains("<style"), "index.html has an inline <style>");
    assert!(attribute_values(index, "style").is_empty(), "index.html has a style attribute");
    for script in index.match_indices("<script").map(|(at, _)| &index[at..]) {
        let open_tag = &script[..script.find('>').unwrap_or(script.len())];
        assert!(open_tag.contains("src="), "index.html has an inline script: {open_tag}");
    }
    for handler in ["onclick=", "onload=", "onerror=", "onchange=", "oninput=", "onsubmit=", "javascript:"] {
        assert!(!index.contains(handler), "index.html has an inline handler {handler}");
    }
}

#[test]
fn the_page_loads_nothing_from_another_origin() {
    for a in ASSETS {
        let stripped = a.body.replace(SVG_NAMESPACE, "");
        for scheme in ["http://", "https://", "//cdn", "@import"] {
            assert!(!stripped.contains(scheme), "{} contains {scheme:?}: everything must be same-origin and embedded", a.path);
        }
    }
}

fn fetch(base: &str, path: &str) -> (u16, String, String) {
    let (status, headers, body) = fetch_with_headers(base, path);
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, content_type, body)
}

fn fetch_with_headers(base: &str, path: &str) -> (u16, ureq::http::HeaderMap, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent.get(&format!("{base}{path}")).call().expect("the dashboard answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.body_mut().read_to_string().expect("a text body");
    (status, headers, body)
}

#[test]
fn router_serves_the_page_at_root_and_each_asset_with_its_type() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("bound address"));
    runtime.spawn(async move { axum::serve(listener, router()).await });

    let (status, ty, body) = fetch(&base, "/");
    assert_eq!(status, 200);
    assert!(ty.starts_with("text/html"), "/ served as {ty}");
    assert!(body.contains("id=\"tiles\""), "/ is the dashboard page");

    for a in ASSETS {
        let (status, ty, body) = fetch(&base, &format!("/dashboard/{}", a.path));
        assert_eq!(status, 200, "/dashboard/{}", a.path);
        assert_eq!(ty, a.content_type, "/dashboard/{}", a.path);
        assert_eq!(body, a.body, "/dashboard/{}", a.path);
    }

    let (_, headers, _) = fetch_with_headers(&base, "/");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(header("content-security-policy"), super::CONTENT_SECURITY_POLICY);
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
        assert!(header("content-security-policy").contains(directive), "the CSP has {directive}");
    }
    assert!(!header("content-security-policy").contains("unsafe-"), "the CSP allows nothing unsafe");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");

    let (status, ty, body) = fetch(&base, "/dashboard/js/missing.js");
    assert_eq!(status, 404);
    assert!(ty.starts_with("application/json"), "a missing asset answers JSON, got {ty}");
    assert!(body.contains("\"not-found\"") && body.contains("missing.js"), "error names the path: {body}");
}
