//! The docs pages' files, embedded in the binary (vendored by `scripts/vendor-docs-ui` into
//! `runtime/assets/docs-ui/`), and answering with a validator: a strong `ETag` made from the
//! bytes, `Cache-Control`, and `304 Not Modified` to a matching `If-None-Match`.

use std::hash::Hasher;
use std::sync::OnceLock;

use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};

use crate::body::Body;
use crate::response::Response;

/// How long a browser or proxy keeps a file before asking again (one week). The pages ask
/// for each file with its ETag's digits in the query (`?v=`), so a new version is fetched at
/// once; a plain request is answered the same way and, after a week, revalidated cheaply.
pub(super) const ASSET_CACHE_CONTROL: &str = "public, max-age=604800";

/// The document and the pages are made by the app, and change when it is deployed again: a
/// browser revalidates them each time (a `304` when they have not changed).
pub(super) const PAGE_CACHE_CONTROL: &str = "no-cache";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const PNG: &str = "image/png";

/// A file served as it was vendored.
pub(super) struct Asset {
    /// Its name in `runtime/assets/docs-ui/` and under its page's path.
    pub(super) name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    etag: OnceLock<Validator>,
}

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../../assets/docs-ui/", $name)),
            etag: OnceLock::new(),
        }
    };
}

pub(super) static SWAGGER_UI_BUNDLE: Asset = asset!("swagger-ui-bundle.js", JS);
pub(super) static SWAGGER_UI_CSS: Asset = asset!("swagger-ui.css", CSS);
pub(super) static SWAGGER_UI_FAVICON: Asset = asset!("favicon-32x32.png", PNG);
/// Where an OAuth2 login in Swagger UI comes back to; it loads the script below, relatively.
pub(super) static OAUTH2_REDIRECT_HTML: Asset = asset!("oauth2-redirect.html", HTML);
pub(super) static OAUTH2_REDIRECT_JS: Asset = asset!("oauth2-redirect.js", JS);
pub(super) static REDOC_STANDALONE: Asset = asset!("redoc.standalone.js", JS);

/// The files served under Swagger UI's path.
pub(super) static SWAGGER_UI_ASSETS: [&Asset; 5] = [
    &SWAGGER_UI_BUNDLE,
    &SWAGGER_UI_CSS,
    &SWAGGER_UI_FAVICON,
    &OAUTH2_REDIRECT_HTML,
    &OAUTH2_REDIRECT_JS,
];

/// The files served under ReDoc's path.
pub(super) static REDOC_ASSETS: [&Asset; 1] = [&REDOC_STANDALONE];

impl Asset {
    /// Its validator, made once per process from its bytes.
    pub(super) fn validator(&self) -> &Validator {
        self.etag.get_or_init(|| Validator::of(self.bytes))
    }

    /// Its answer to a `GET` (or `HEAD`) with `headers`.
    pub(super) fn answer(&self, headers: &HeaderMap) -> Response {
        answer(
            headers,
            self.content_type,
            Bytes::from_static(self.bytes),
            self.validator(),
            ASSET_CACHE_CONTROL,
        )
    }
}

/// A strong entity tag for some bytes, with its digits on their own for a URL's query.
#[derive(Debug, Clone)]
pub(super) struct Validator {
    /// `"<length>-<hash>"`, in hex, quoted.
    etag: HeaderValue,
}

impl Validator {
    /// The tag of `bytes`: their length and a 64-bit SipHash of them (std's `DefaultHasher`,
    /// whose keys are fixed: every process of one build gives a file the same tag, so
    /// instances behind a load balancer agree; another Rust release may give new tags,
    /// which costs browsers one download).
    pub(super) fn of(bytes: &[u8]) -> Self {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(bytes);
        let tag = format!("\"{:x}-{:016x}\"", bytes.len(), hasher.finish());
        Self {
            etag: HeaderValue::try_from(tag).expect("hex digits and quotes make a header value"),
        }
    }

    /// The tag without its quotes: `<length>-<hash>`.
    pub(super) fn digits(&self) -> &str {
        let tag = self.etag.to_str().expect("an ASCII tag");
        &tag[1..tag.len() - 1]
    }

    /// Whether `If-None-Match` (every header of that name) lists this tag, or is `*`. As
    /// RFC 9110 (13.1.2) says, the comparison is weak: `W/"x"` matches `"x"`.
    fn none_match(&self, headers: &HeaderMap) -> bool {
        let ours = self.etag.as_bytes();
        headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
            value.as_bytes().split(|&b| b == b',').any(|tag| {
                let tag = tag.trim_ascii();
                tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == ours
            })
        })
    }
}

/// `body` as `content_type` with its validator and `cache_control`, or `304 Not Modified`
/// (the same validator and `Cache-Control`, no body) when `If-None-Match` names it.
pub(super) fn answer(
    headers: &HeaderMap,
    content_type: &'static str,
    body: Bytes,
    validator: &Validator,
    cache_control: &'static str,
) -> Response {
    let mut response = if validator.none_match(headers) {
        let mut response = Response::new();
        response.set_status(StatusCode::NOT_MODIFIED);
        response
    } else {
        let mut response = Response::with_body(content_type, Body::from(body));
        response
            .headers_mut()
            .insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, validator.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_none_match(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn a_validator_is_the_length_and_a_hash_of_the_bytes() {
        let a = Validator::of(b"hello");
        assert_eq!(a.etag, Validator::of(b"hello").etag, "the same bytes, the same tag");
        assert_ne!(a.etag, Validator::of(b"hellp").etag);
        assert!(a.digits().starts_with("5-"), "{}", a.digits());
        assert_eq!(a.etag.to_str().unwrap(), format!("\"{}\"", a.digits()));
    }

    #[test]
    fn if_none_match_compares_weakly_in_lists_and_repeated_headers() {
        let v = Validator::of(b"body");
        let tag = v.etag.to_str().unwrap().to_owned();
        let other = Validator::of(b"other").etag.to_str().unwrap().to_owned();
        assert!(v.none_match(&with_if_none_match(&[&tag])));
        assert!(v.none_match(&with_if_none_match(&[&format!("W/{tag}")])));
        assert!(v.none_match(&with_if_none_match(&[&format!("{other}, {tag}")])));
        assert!(v.none_match(&with_if_none_match(&[&other, &tag])));
        assert!(v.none_match(&with_if_none_match(&["*"])));
        assert!(!v.none_match(&with_if_none_match(&[])));
        assert!(!v.none_match(&with_if_none_match(&[&other])));
        assert!(!v.none_match(&with_if_none_match(&[v.digits()])), "an unquoted tag");
    }

    #[test]
    fn every_asset_is_embedded_and_not_empty() {
        for asset in SWAGGER_UI_ASSETS.iter().chain(&REDOC_ASSETS) {
            assert!(asset.bytes.len() > 50, "{} is {} bytes", asset.name, asset.bytes.len());
        }
        // The bundles, not a placeholder: each defines what the pages call.
        let bundle = std::str::from_utf8(SWAGGER_UI_BUNDLE.bytes).unwrap();
        assert!(bundle.contains("SwaggerUIBundle"));
        let redoc = std::str::from_utf8(REDOC_STANDALONE.bytes).unwrap();
        assert!(redoc.contains("spec-url"));
    }
}
