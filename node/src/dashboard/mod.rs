//! The dashboard: a page served at `/` that reads this node's RPC (same origin) and its `/events` stream.
//!
//! Every byte of the page is embedded at build time, so a node needs no CDN and no files beside the binary.

mod assets;
mod headers;

pub use assets::{Asset, ASSETS};
pub use headers::{security_headers, CONTENT_SECURITY_POLICY};

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Where the page's assets live under the RPC root; `/` itself is the page.
pub const ASSET_PREFIX: &str = "/dashboard/";

/// `/` and `/dashboard/{file}`, with the security headers: merge it into the RPC router.
pub fn router() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/dashboard/{*path}", get(asset))
        .layer(axum::middleware::from_fn(security_headers))
}

async fn index() -> Response {
    match assets::find("index.html") {
        Some(page) => serve(page),
        None => not_found("index.html"),
    }
}

async fn asset(Path(path): Path<String>) -> Response {
    match assets::find(&path) {
        Some(found) => serve(found),
        None => not_found(&path),
    }
}

fn serve(asset: &'static Asset) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            // The page changes with the binary, not while it runs; revalidate so an upgraded node serves its own page.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        asset.body,
    )
        .into_response()
}

fn not_found(path: &str) -> Response {
    let body = serde_json::json!({
        "error": {"code": "not-found", "message": format!("the dashboard has no asset {path:?}")}
    });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

#[cfg(test)]
mod tests;
