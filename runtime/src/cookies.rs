//! Reading the cookies a client sent.
//!
//! The first cookie a handler reads is found by one scan of the `Cookie` headers, without an
//! allocation. A second read parses the headers once into an index of byte ranges, sized
//! before parsing so that it does not grow with the number of cookies: the one allocation of
//! a request's cookie reads (`tests/cookie_alloc.rs`). Both follow one pair grammar; the scan
//! checks only the pairs with the name asked for. No cookie is copied until a handler asks
//! for it, and a value is only allocated when it was sent quoted (`name="a b"`). Every
//! `Cookie` header is read (HTTP/2 sends one per cookie). A pair without `=` or with an
//! empty name is skipped. When a name is sent more than once, the first occurrence wins:
//! browsers send the cookie with the longest (most specific) `Path` first.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Whether a cookie was read before: the first read scans the headers for its name
    /// (most handlers read one cookie, and need no index), a second one builds the index.
    read_once: AtomicBool,
}

impl fmt::Debug for RequestCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values stay out of debug output: they are secrets more often than not.
        f.debug_struct("RequestCookies").field("parsed", &self.index.get().map(Vec::len)).finish()
    }
}

impl RequestCookies {
    pub(crate) const fn new() -> Self {
        Self { index: OnceLock::new(), read_once: AtomicBool::new(false) }
    }

    fn index(&self, headers: &HeaderMap) -> &[Entry] {
        self.index.get_or_init(|| parse(headers))
    }

    /// The raw value of the first cookie called `name`, as sent (quotes included).
    pub(crate) fn get_raw<'h>(&self, headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
        if self.index.get().is_none() && !self.read_once.swap(true, Ordering::Relaxed) {
            return scan(headers, name);
        }
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
        // One allocation, sized up front: HTTP/2 clients send one header per cookie.
        let mut values = Vec::with_capacity(headers.get_all(COOKIE).iter().count());
        values.extend(headers.get_all(COOKIE).iter().map(|v| v.as_bytes()));
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

/// How many times `x` occurs in `bytes`, counted in `u8` lanes 255 bytes at a time so that
/// it vectorizes.
fn count(bytes: &[u8], x: u8) -> usize {
    bytes.chunks(255).map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == x)))).sum()
}

/// At least as many entries as `parse` will find in `bytes`: each needs an `=` and ends at a
/// `;` or at the end of the header.
fn bound(bytes: &[u8]) -> usize {
    count(bytes, b'=').min(count(bytes, b';') + 1)
}

/// Whether every byte is allowed: no early exit, so that long values are checked a vector
/// at a time.
fn all_allowed(bytes: &[u8], min: u8) -> bool {
    bytes.iter().fold(true, |ok, &b| ok & (b >= min) & (b != 0x7f))
}

/// The well-formed pairs of one `Cookie` header, in order, as byte ranges of the name and
/// of the value. A pair without `=`, with an empty name, or with a byte a cookie may not
/// hold is skipped. `bytes` is at most `u32::MAX` long.
fn pairs(bytes: &[u8]) -> impl Iterator<Item = ((u32, u32), (u32, u32))> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < bytes.len() {
            // One scan per byte: to the pair's `=`, then to its end. A pair without `=`
            // ends at the first `;`.
            let rest = &bytes[start..];
            let at = rest.iter().position(|&b| b == b'=' || b == b';')?;
            if rest[at] == b';' {
                start += at + 1;
                continue;
            }
            let eq = start + at;
            let end =
                bytes[eq + 1..].iter().position(|&b| b == b';').map_or(bytes.len(), |p| eq + 1 + p);
            let (ns, ne) = trim(bytes, start, eq);
            let (vs, ve) = trim(bytes, eq + 1, end);
            start = end + 1;
            let name_ok = ns < ne && all_allowed(&bytes[ns..ne], 0x21);
            let value_ok = all_allowed(&bytes[vs..ve], 0x20);
            if name_ok && value_ok {
                #[allow(clippy::cast_possible_truncation)] // bytes.len() <= u32::MAX
                return Some(((ns as u32, ne as u32), (vs as u32, ve as u32)));
            }
        }
        None
    })
}

/// The `Cookie` header values that can be indexed, with their positions. Header values
/// longer than `u32::MAX` cannot reach us (the header limit is far smaller), but do not index
/// past what the offsets can hold.
fn indexable(headers: &HeaderMap) -> impl Iterator<Item = (u32, &[u8])> {
    headers.get_all(COOKIE).iter().enumerate().map_while(|(header, value)| {
        let bytes = value.as_bytes();
        let header = u32::try_from(header).ok()?;
        Some((header, if u32::try_from(bytes.len()).is_ok() { bytes } else { &[][..] }))
    })
}

/// The raw value of the first cookie called `name`, found without an index: what the index
/// would answer, in one pass and no allocation.
///
/// The first well-formed pair called `name` answers. Whether a pair is well-formed depends on
/// that pair alone, so only the pairs with that name are checked; a pair's name is `name`
/// only if `name` itself is a well-formed one.
fn scan<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let target = name.as_bytes();
    if target.is_empty() || !all_allowed(target, 0x21) {
        return None;
    }
    for (_, bytes) in indexable(headers) {
        let mut start = 0;
        while start < bytes.len() {
            // A pair runs to the next `;` and its name to its first `=` (none: no pair).
            let end = memchr::memchr(b';', &bytes[start..]).map_or(bytes.len(), |p| start + p);
            if let Some(eq) = memchr::memchr(b'=', &bytes[start..end]) {
                let eq = start + eq;
                let (ns, ne) = trim(bytes, start, eq);
                if &bytes[ns..ne] == target {
                    let (vs, ve) = trim(bytes, eq + 1, end);
                    if all_allowed(&bytes[vs..ve], 0x20) {
                        // The first occurrence answers, even when it is not UTF-8 (as the
                        // index does).
                        return std::str::from_utf8(&bytes[vs..ve]).ok();
                    }
                }
            }
            start = end + 1;
        }
    }
    None
}

fn parse(headers: &HeaderMap) -> Vec<Entry> {
    // One allocation, however many cookies were sent (none without a pair): the index is
    // sized from a count of the separators rather than grown as it fills.
    let bound = indexable(headers).map(|(_, bytes)| bound(bytes)).sum();
    let mut entries = Vec::with_capacity(bound);
    for (header, bytes) in indexable(headers) {
        entries.extend(pairs(bytes).map(|(name, value)| Entry { header, name, value }));
    }
    debug_assert!(entries.len() <= bound, "the index outgrew its bound");
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

    /// The rules of the module doc, written plainly, for `parse` to agree with.
    fn plain(header: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let ows = |s: &[u8]| -> Vec<u8> {
            let start = s.iter().position(|&b| !is_ows(b)).unwrap_or(s.len());
            let end = s.iter().rposition(|&b| !is_ows(b)).map_or(start, |e| e + 1);
            s[start..end].to_vec()
        };
        header
            .split(|&b| b == b';')
            .filter_map(|pair| {
                let eq = pair.iter().position(|&b| b == b'=')?;
                let (name, value) = (ows(&pair[..eq]), ows(&pair[eq + 1..]));
                let name_ok = !name.is_empty() && name.iter().all(|&b| b > 0x20 && b != 0x7f);
                let value_ok = value.iter().all(|&b| b >= 0x20 && b != 0x7f);
                (name_ok && value_ok).then_some((name, value))
            })
            .collect()
    }

    /// A xorshift generator of short `Cookie` header values.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            let x = &mut self.0;
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            (*x % n as u64) as usize
        }

        /// Up to `max_len - 1` bytes of what a `HeaderValue` may hold (no controls but tab,
        /// no DEL), dense in the bytes the grammar turns on.
        fn header(&mut self, max_len: usize) -> Vec<u8> {
            let alphabet = b"ab=; \t\"\xff";
            let len = self.below(max_len);
            (0..len).map(|_| alphabet[self.below(alphabet.len())]).collect()
        }
    }

    #[test]
    fn a_first_read_by_scanning_answers_what_the_index_answers() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut h = HeaderMap::new();
            for _ in 0..1 + random.below(3) {
                let bytes = random.header(16);
                h.append(COOKIE, HeaderValue::from_bytes(&bytes).unwrap());
            }
            for name in ["a", "b", "ab", "ba", "a\"", ""] {
                let indexed = RequestCookies::new();
                indexed.read_once.store(true, Ordering::Relaxed);
                let scanned = RequestCookies::new();
                assert_eq!(
                    scanned.get_raw(&h, name),
                    indexed.get_raw(&h, name),
                    "{name:?} in {h:?}"
                );
                assert!(scanned.index.get().is_none(), "the first read built the index");
            }
        }
    }

    #[test]
    fn parse_agrees_with_the_plain_rules_and_stays_in_its_bound() {
        let mut random = Random(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let bytes = random.header(24);
            let mut h = HeaderMap::new();
            h.append(COOKIE, HeaderValue::from_bytes(&bytes).unwrap());
            let entries = parse(&h);
            assert!(entries.len() <= bound(&bytes));
            let found: Vec<(Vec<u8>, Vec<u8>)> = entries
                .iter()
                .map(|e| (slice(&bytes, e.name).to_vec(), slice(&bytes, e.value).to_vec()))
                .collect();
            assert_eq!(found, plain(&bytes), "{:?}", String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn no_cookie_header() {
        let c = RequestCookies::new();
        assert_eq!(c.get(&HeaderMap::new(), "a"), None);
        assert_eq!(c.iter(&HeaderMap::new()).count(), 0);
    }
}
