//! The page's files, embedded at build time and looked up by their path under `/dashboard/`.

/// One embedded file of the page.
pub struct Asset {
    /// Path under `/dashboard/` (`index.html` is also served at `/`).
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
// Module scripts are refused by browsers unless served with a JavaScript MIME type.
const JS: &str = "text/javascript; charset=utf-8";

macro_rules! asset {
    ($path:literal, $ty:expr) => {
        Asset { path: $path, content_type: $ty, body: include_str!(concat!("assets/", $path)) }
    };
}

/// Every file of the page.
pub static ASSETS: &[Asset] = &[
    asset!("index.html", HTML),
    asset!("style.css", CSS),
    asset!("js/main.js", JS),
    asset!("js/api.js", JS),
    asset!("js/format.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/palette.js", JS),
    asset!("js/svgchart.js", JS),
    asset!("js/slots.js", JS),
    asset!("js/community.js", JS),
    asset!("js/home.js", JS),
    asset!("js/market.js", JS),
    asset!("js/grid.js", JS),
    asset!("js/chain.js", JS),
    asset!("js/admin.js", JS),
    asset!("js/txsign.js", JS),
    asset!("js/lightproto.js", JS),
    asset!("js/lightclient.js", JS),
    asset!("js/verifyview.js", JS),
];

pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
