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
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut response = agent.get(&format!("{base}{path}")).call().expect("the dashboard answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response.body_mut().read_to_string().expect("a text body");
    (status, content_type, body)
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

    let (status, ty, body) = fetch(&base, "/dashboard/js/missing.js");
    assert_eq!(status, 404);
    assert!(ty.starts_with("application/json"), "a missing asset answers JSON, got {ty}");
    assert!(body.contains("\"not-found\"") && body.contains("missing.js"), "error names the path: {body}");
}
