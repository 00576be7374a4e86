//! Reading the cookies a client sent.
//!
//! The `Cookie` headers are parsed once, on the first read, into an index of byte ranges:
//! no cookie is copied until a handler asks for it, and a value is only allocated when it
//! was sent quoted (`name="a b"`). Every `Cookie` header is read (HTTP/2 sends one per
//! cookie). A pair without `=` or with an empty name is skipped. When a name is sent more
//! than once, the first occurrence wins: browsers send the cookie with the longest (most
//! specific) `Path` first.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use http::HeaderMap;
use http::header::COOKIE;

#[derive(Clone, Copy)]
struct Entry {
    header: u32,
    name: (u32, u32),
    value: (u32, u32),
}

/// The cookies of one request, parsed lazily. Obtained from [`crate::Request::cookies`].
pub(crate) struct RequestCookies {
    index: OnceLock<Vec<Entry>>,
}

impl fmt::Debug for RequestCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values stay out of debug output: they are secrets more often than not.
        f.debug_struct("RequestCookies").field("parsed", &self.index.get().map(Vec::len)).finish()
    }
}

impl RequestCookies {
    pub(crate) const fn new() -> Self {
        Self { index: OnceLock::new() }
    }

    fn index(&self, headers: &HeaderMap) -> &[Entry] {
        self.index.get_or_init(|| parse(headers))
    }

    /// The raw value of the first cookie called `name`, as sent (quotes included).
    pub(crate) fn get_raw<'h>(&self, headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
        let index = self.index(headers);
        let mut values = headers.get_all(COOKIE).iter();
        let mut at = 0u32;
        let mut current = values.next()?.as_bytes();
        for entry in index {
            while at < entry.header {
                current = values.next()?.as_bytes();
                at += 1;
            }
            if slice(current, entry.name) == name.as_bytes() {
                return std::str::from_utf8(slice(current, entry.value)).ok();
            }
        }
        None
    }

    /// The value of the first cookie called `name`, unquoted.
    pub(crate) fn get<'h>(&self, headers: &'h HeaderMap, name: &str) -> Option<Cow<'h, str>> {
        self.get_raw(headers, name).map(unquote)
    }

    /// Every `(name, value)` pair, first occurrences only, in the order sent.
    pub(crate) fn iter<'a>(
        &'a self,
        headers: &'a HeaderMap,
    ) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + 'a {
        let index = self.index(headers);
        let values: Vec<&[u8]> = headers.get_all(COOKIE).iter().map(|v| v.as_bytes()).collect();
        index.iter().enumerate().filter_map(move |(i, e)| {
            let header = values[e.header as usize];
            let name = std::str::from_utf8(slice(header, e.name)).ok()?;
            let earlier = index[..i]
                .iter()
                .any(|p| slice(values[p.header as usize], p.name) == name.as_bytes());
            if earlier {
                return None;
            }
            let value = std::str::from_utf8(slice(header, e.value)).ok()?;
            Some((name, unquote(value)))
        })
    }
}

fn slice(bytes: &[u8], (start, end): (u32, u32)) -> &[u8] {
    &bytes[start as usize..end as usize]
}

fn unquote(raw: &str) -> Cow<'_, str> {
    match cookie_route_core::cookie::unquote_value(raw) {
        Some(owned) => Cow::Owned(owned),
        None => Cow::Borrowed(raw),
    }
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && is_ows(bytes[start]) {
        start += 1;
    }
    while end > start && is_ows(bytes[end - 1]) {
        end -= 1;
    }
    (start, end)
}

fn parse(headers: &HeaderMap) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (header, value) in headers.get_all(COOKIE).iter().enumerate() {
        let bytes = value.as_bytes();
        // Header values longer than u32::MAX cannot reach us (the header limit is far
        // smaller), but do not index past what the offsets can hold.
        if bytes.len() > u32::MAX as usize || header > u32::MAX as usize {
            continue;
        }
        let mut start = 0;
        while start <= bytes.len() {
            let end =
                bytes[start..].iter().position(|&b| b == b';').map_or(bytes.len(), |p| start + p);
            if let Some(eq) = bytes[start..end].iter().position(|&b| b == b'=') {
                let (ns, ne) = trim(bytes, start, start + eq);
                let (vs, ve) = trim(bytes, start + eq + 1, end);
                let name_ok = ns < ne && bytes[ns..ne].iter().all(|&b| b > 0x20 && b != 0x7f);
                let value_ok = bytes[vs..ve].iter().all(|&b| b >= 0x20 && b != 0x7f);
                if name_ok && value_ok {
                    #[allow(clippy::cast_possible_truncation)] // bounded by the check above
                    entries.push(Entry {
                        header: header as u32,
                        name: (ns as u32, ne as u32),
                        value: (vs as u32, ve as u32),
                    });
                }
            }
            start = end + 1;
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(COOKIE, HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn reads_across_headers_first_wins() {
        let h = headers(&[b"theme=dark; username=JohnDoe", b"session=abc; username=Other"]);
        let c = RequestCookies::new();
        assert_eq!(c.get(&h, "username").as_deref(), Some("JohnDoe"));
        assert_eq!(c.get(&h, "session").as_deref(), Some("abc"));
        assert_eq!(c.get(&h, "nope"), None);
        let all: Vec<_> = c.iter(&h).map(|(n, v)| (n.to_owned(), v.into_owned())).collect();
        assert_eq!(all.len(), 3);
    }

    #[test]
    fn skips_malformed_pairs() {
        let h = headers(&[b"junk; =empty; a=1;;  b = 2 ; c=\"x y\"; d=\xff\xfe; e=3"]);
        let c = RequestCookies::new();
        assert_eq!(c.get(&h, "a").as_deref(), Some("1"));
        assert_eq!(c.get(&h, "b").as_deref(), Some("2"));
        assert_eq!(c.get(&h, "c").as_deref(), Some("x y"));
        assert_eq!(c.get(&h, "d"), None);
        assert_eq!(c.get(&h, "e").as_deref(), Some("3"));
        assert_eq!(c.get(&h, ""), None);
        assert_eq!(c.get(&h, "junk"), None);
    }

    #[test]
    fn no_cookie_header() {
        let c = RequestCookies::new();
        assert_eq!(c.get(&HeaderMap::new(), "a"), None);
        assert_eq!(c.iter(&HeaderMap::new()).count(), 0);
    }
}
