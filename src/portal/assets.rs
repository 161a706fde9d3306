//! Static files, compiled into the binary and served under `/ui/static/` with a content
//! hash in their names (`herald.3f2a9c0b1d.css`), so browsers may cache them for a year:
//! a new build with a changed file links a new name.

use std::sync::LazyLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::PortalError;
use super::extract::PortalPath;

struct Asset {
    /// The file name in `static/`.
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 5] = [
    Asset {
        name: "herald.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/herald.css"),
    },
    Asset {
        name: "catalog.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/catalog.css"),
    },
    Asset {
        name: "graph.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/graph.css"),
    },
    Asset {
        name: "herald.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/herald.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
];

/// Each asset's served name (`stem.hash.ext`) and full URL, in `ASSETS` order.
static SERVED: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let (stem, ext) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
            let served = format!("{stem}.{:010x}.{ext}", fnv1a(asset.bytes) >> 24);
            let href = format!("/ui/static/{served}");
            (served, href)
        })
        .collect()
});

/// The URL of a static file by its name in `static/`.
pub fn href(name: &str) -> &'static str {
    ASSETS
        .iter()
        .position(|asset| asset.name == name)
        .and_then(|i| SERVED.get(i))
        .map_or("/ui/static/missing", |(_, href)| href.as_str())
}

/// `GET /ui/static/{file}`: only the current hashed names exist.
pub async fn serve(PortalPath(file): PortalPath<String>) -> Result<Response, PortalError> {
    let found = SERVED
        .iter()
        .position(|(served, _)| *served == file)
        .and_then(|i| ASSETS.get(i));
    let Some(asset) = found else {
        return Err(PortalError::NotFound("No such static file.".into()));
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.bytes,
    )
        .into_response())
}

/// FNV-1a, 64 bits: enough to tell builds of a file apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_hashed_url() {
        for asset in &ASSETS {
            let url = href(asset.name);
            let (stem, ext) = asset.name.rsplit_once('.').expect("extension");
            assert!(url.starts_with(&format!("/ui/static/{stem}.")), "{url}");
            assert!(url.ends_with(&format!(".{ext}")), "{url}");
            assert_eq!(url.len(), "/ui/static/".len() + asset.name.len() + 11);
        }
        assert_eq!(href("nope.css"), "/ui/static/missing");
    }
}
