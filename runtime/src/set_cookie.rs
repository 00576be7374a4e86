//! Turning a [`Cookie`] into one `Set-Cookie` header: the secure defaults, the matching
//! `Expires`, and every rule that keeps a broken or injected header from leaving.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use cookie::{Cookie, Expiration, SameSite};
use cookie_route_core::cookie::{self as grammar, Attributes, ValueForm};
use http::HeaderValue;
use time::OffsetDateTime;

/// A cookie that cannot be sent, and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set cookie `{}`: {rule}", .name.escape_debug())]
pub struct CookieError {
    name: String,
    rule: cookie_route_core::cookie::CookieRule,
}

impl CookieError {
    pub(crate) fn new(name: &str, rule: cookie_route_core::cookie::CookieRule) -> Self {
        // Keep the name for the message, but not an unbounded one.
        let name = name.chars().take(64).collect();
        Self { name, rule }
    }

    /// The cookie's name (cut to 64 characters).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rule the cookie breaks.
    pub fn rule(&self) -> &cookie_route_core::cookie::CookieRule {
        &self.rule
    }
}

/// Checks `cookie`, fills in the defaults it leaves unset (`Path=/`, `HttpOnly`,
/// `SameSite=Lax`, an `Expires` matching `Max-Age`), and renders its `Set-Cookie` value.
///
/// The text is what the `cookie` crate's `Display` writes for the completed cookie (the same
/// attributes in the same order; a test holds the two together), written here directly into
/// one buffer of the right size: on a route that sets a cookie, going through `fmt` and
/// `time`'s generic date formatter cost more than the rest of the request.
pub(crate) fn render(cookie: Cookie<'_>) -> Result<HeaderValue, CookieError> {
    let name = cookie.name();
    let refused = |rule| CookieError::new(name, rule);
    grammar::check_name(name).map_err(refused)?;
    let value = cookie.value();
    let form = grammar::check_value(value).map_err(refused)?;
    let path = cookie.path().unwrap_or("/");
    let domain = cookie.domain();
    let http_only = cookie.http_only().unwrap_or(true);
    let same_site = cookie.same_site().unwrap_or(SameSite::Lax);
    let partitioned = cookie.partitioned() == Some(true);
    let max_age = cookie.max_age().map(|d| d.whole_seconds());
    let expires = match cookie.expires() {
        // A date before 1601 is written with a short year (`27 Jul 64`) that clients read as
        // another, future date: the epoch says "in the past" just as well.
        Some(Expiration::DateTime(t)) if t.year() < 1601 => {
            Some(HttpDate::new(OffsetDateTime::UNIX_EPOCH))
        }
        Some(Expiration::DateTime(t)) => Some(HttpDate::new(t)),
        Some(Expiration::Session) => None,
        None => cookie.max_age().map(expires_after),
    };
    let expires = expires.as_ref().map(HttpDate::as_bytes);
    // `SameSite=None` and `Partitioned` without `Secure` are refused below, not fixed.
    let secure = cookie.secure() == Some(true);
    let attributes = Attributes {
        secure,
        same_site_none: same_site == SameSite::None,
        partitioned,
        domain,
        path: Some(path),
        max_age,
    };
    grammar::check_attributes(name, &attributes).map_err(refused)?;
    let quoted = (form == ValueForm::Quoted).then(|| grammar::quote_value(value));
    let wire_value = quoted.as_deref().unwrap_or(value);
    grammar::check_size(name, wire_value).map_err(refused)?;

    let same_site = match same_site {
        SameSite::Strict => "; SameSite=Strict",
        SameSite::Lax => "; SameSite=Lax",
        SameSite::None => "; SameSite=None",
    };
    let mut max_age_digits = itoa::Buffer::new();
    let max_age = max_age.map(|seconds| max_age_digits.format(seconds));
    // The exact length: a `Vec` as long as its capacity becomes the header's bytes without
    // another allocation.
    let len = name.len()
        + 1
        + wire_value.len()
        + if http_only { "; HttpOnly".len() } else { 0 }
        + same_site.len()
        + if partitioned { "; Partitioned".len() } else { 0 }
        + if secure { "; Secure".len() } else { 0 }
        + "; Path=".len()
        + path.len()
        + domain.map_or(0, |d| "; Domain=".len() + d.len())
        + max_age.map_or(0, |a| "; Max-Age=".len() + a.len())
        + expires.map_or(0, |e| "; Expires=".len() + e.len());
    // Bytes rather than a `String`: the date is ASCII bytes, and `HeaderValue` checks them.
    let mut out = Vec::with_capacity(len);
    let mut push = |part: &[u8]| out.extend_from_slice(part);
    push(name.as_bytes());
    push(b"=");
    push(wire_value.as_bytes());
    if http_only {
        push(b"; HttpOnly");
    }
    push(same_site.as_bytes());
    if partitioned {
        push(b"; Partitioned");
    }
    if secure {
        push(b"; Secure");
    }
    push(b"; Path=");
    push(path.as_bytes());
    if let Some(domain) = domain {
        push(b"; Domain=");
        push(domain.as_bytes());
    }
    if let Some(max_age) = max_age {
        push(b"; Max-Age=");
        push(max_age.as_bytes());
    }
    if let Some(expires) = expires {
        push(b"; Expires=");
        push(expires);
    }
    debug_assert_eq!(out.len(), len);
    // Every part was checked above, so this cannot fail; map it all the same rather than
    // trusting that the checks and `HeaderValue` agree forever.
    HeaderValue::try_from(out).map_err(|_| {
        CookieError::new(name, grammar::CookieRule::ValueCharacter { ch: '\u{0}', index: 0 })
    })
}

/// The `Expires` of a cookie with a `Max-Age` and no `Expires` of its own: now plus the age,
/// in whole seconds as `Max-Age` is written. The text changes once a second, so each thread
/// keeps the last one it wrote.
fn expires_after(age: time::Duration) -> HttpDate {
    thread_local! {
        static LAST: Cell<Option<(i64, HttpDate)>> = const { Cell::new(None) };
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
    let at = now.saturating_add(age.whole_seconds());
    LAST.with(|last| {
        if let Some((written, date)) = last.get()
            && written == at
        {
            return date;
        }
        // Past the last date `time` can hold: that date (a negative age is refused anyway).
        let time = OffsetDateTime::from_unix_timestamp(at).unwrap_or(if at < 0 {
            OffsetDateTime::UNIX_EPOCH
        } else {
            time::PrimitiveDateTime::MAX.assume_utc()
        });
        let date = HttpDate::new(time);
        last.set(Some((at, date)));
        date
    })
}

/// An HTTP date, `Thu, 01 Jan 1970 00:00:00 GMT` (the `cookie` crate's format: the year as
/// it is, from 1601 on always four digits), written on the stack.
#[derive(Clone, Copy)]
struct HttpDate {
    text: [u8; 40],
    len: usize,
}

impl HttpDate {
    fn new(time: OffsetDateTime) -> Self {
        const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        // Past the last UTC date `time` can hold (9999-12-31 in a negative offset): that date.
        let time = time
            .checked_to_offset(time::UtcOffset::UTC)
            .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc());
        let mut date = Self { text: [0; 40], len: 0 };
        let two = |n: u8| [b'0' + n / 10, b'0' + n % 10];
        date.push(WEEKDAYS[usize::from(time.weekday().number_days_from_monday())].as_bytes());
        date.push(b", ");
        date.push(&two(time.day()));
        date.push(b" ");
        date.push(MONTHS[usize::from(u8::from(time.month()) - 1)].as_bytes());
        date.push(b" ");
        date.push(itoa::Buffer::new().format(time.year()).as_bytes());
        date.push(b" ");
        date.push(&two(time.hour()));
        date.push(b":");
        date.push(&two(time.minute()));
        date.push(b":");
        date.push(&two(time.second()));
        date.push(b" GMT");
        date
    }

    /// Appends `bytes` (at most 40 in all: the longest date, with a year of `-99999`, has
    /// 30).
    fn push(&mut self, bytes: &[u8]) {
        self.text[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn as_bytes(&self) -> &[u8] {
        &self.text[..self.len]
    }
}

/// The cookie that removes `name` from a client: empty, `Max-Age=0` and an `Expires` in the
/// past, with the `Path` and `Domain` of `like` (the cookie as it was set).
pub(crate) fn removal(like: Cookie<'_>) -> Cookie<'static> {
    let mut cookie = Cookie::new(like.name().to_owned(), "");
    cookie.set_path(like.path().unwrap_or("/").to_owned());
    if let Some(domain) = like.domain() {
        cookie.set_domain(domain.to_owned());
    }
    if let Some(same_site) = like.same_site() {
        cookie.set_same_site(same_site);
    }
    if let Some(http_only) = like.http_only() {
        cookie.set_http_only(http_only);
    }
    if let Some(partitioned) = like.partitioned() {
        cookie.set_partitioned(partitioned);
    }
    // A prefixed cookie can only be replaced by a Secure one, so its removal is Secure too.
    let secure = like.secure() == Some(true) || grammar::Prefix::of(like.name()).is_some();
    if secure || like.same_site() == Some(SameSite::None) {
        cookie.set_secure(true);
    }
    cookie.set_max_age(time::Duration::ZERO);
    cookie.set_expires(Expiration::DateTime(OffsetDateTime::UNIX_EPOCH));
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use cookie_route_core::cookie::CookieRule;

    fn rendered(c: Cookie<'_>) -> String {
        render(c).unwrap().to_str().unwrap().to_owned()
    }

    /// The cookie as the `cookie` crate writes it once the defaults are filled in.
    fn as_cookie_crate_writes_it(mut c: Cookie<'_>) -> String {
        if c.path().is_none() {
            c.set_path("/");
        }
        if c.http_only().is_none() {
            c.set_http_only(true);
        }
        if c.same_site().is_none() {
            c.set_same_site(SameSite::Lax);
        }
        c.to_string()
    }

    #[test]
    fn text_is_the_cookie_crates() {
        let at = |s: &str| {
            time::PrimitiveDateTime::parse(
                s,
                &time::format_description::well_known::Iso8601::DEFAULT,
            )
            .unwrap()
            .assume_utc()
        };
        let cookies = [
            Cookie::new("a", "b"),
            Cookie::build(("last_user", "42"))
                .max_age(time::Duration::hours(1))
                .expires(at("2026-11-24T09:05:07"))
                .secure(true)
                .same_site(SameSite::Strict)
                .build(),
            Cookie::build(("s", "v"))
                .http_only(false)
                .same_site(SameSite::None)
                .secure(true)
                .partitioned(true)
                .path("/app")
                .domain("example.com")
                .expires(at("1601-01-01T00:00:00"))
                .build(),
            Cookie::build(("x", ""))
                .expires(Expiration::Session)
                .max_age(time::Duration::ZERO)
                .build(),
            Cookie::build(("y", "1")).expires(at("9999-12-31T23:59:59")).build(),
            Cookie::build(("y", "1")).expires(at("2000-02-29T12:00:00")).build(),
            removal(Cookie::build(("__Host-sid", "")).build()),
        ];
        for cookie in cookies {
            assert_eq!(rendered(cookie.clone()), as_cookie_crate_writes_it(cookie));
        }
        // A date whose UTC time is past the year 9999 is written as the last one.
        let late = time::PrimitiveDateTime::MAX
            .assume_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap());
        let s = rendered(Cookie::build(("a", "b")).expires(late).build());
        assert!(s.ends_with("; Expires=Fri, 31 Dec 9999 23:59:59 GMT"), "{s}");
        // A Max-Age past the year 9999 gets the last date as its Expires.
        let s = rendered(Cookie::build(("a", "b")).max_age(time::Duration::MAX).build());
        assert!(s.ends_with("; Expires=Fri, 31 Dec 9999 23:59:59 GMT"), "{s}");
        // Max-Age without Expires: the Expires written is now + Max-Age, in the same text.
        let s = rendered(Cookie::build(("a", "b")).max_age(time::Duration::days(400)).build());
        let expires = Cookie::parse(s.clone()).unwrap().expires_datetime().unwrap();
        let again =
            Cookie::build(("a", "b")).max_age(time::Duration::days(400)).expires(expires).build();
        assert_eq!(s, as_cookie_crate_writes_it(again));
    }

    #[test]
    fn defaults_are_secure() {
        let s = rendered(Cookie::new("a", "b"));
        assert!(s.starts_with("a=b;"), "{s}");
        assert!(s.contains("HttpOnly") && s.contains("SameSite=Lax") && s.contains("Path=/"));
        assert!(!s.contains("Secure") && !s.contains("Expires"), "{s}");
    }

    #[test]
    fn explicit_choices_are_kept() {
        let c = Cookie::build(("a", "b")).http_only(false).same_site(SameSite::Strict).path("/x");
        let s = rendered(c.build());
        assert!(!s.contains("HttpOnly") && s.contains("SameSite=Strict") && s.contains("Path=/x"));
    }

    #[test]
    fn max_age_gets_a_matching_expires() {
        let s = rendered(Cookie::build(("a", "b")).max_age(time::Duration::hours(1)).build());
        let parsed = Cookie::parse(s).unwrap();
        let expires = parsed.expires_datetime().unwrap();
        let delta = expires - OffsetDateTime::now_utc();
        assert!((3590..=3600).contains(&delta.whole_seconds()), "{delta}");
    }

    #[test]
    fn each_max_age_gets_its_own_expires() {
        // The last `Expires` written is kept per thread: a different age is another date.
        let expires = |hours| {
            let s =
                rendered(Cookie::build(("a", "b")).max_age(time::Duration::hours(hours)).build());
            Cookie::parse(s).unwrap().expires_datetime().unwrap()
        };
        let (one, two, one_again) = (expires(1), expires(2), expires(1));
        assert!((3599..=3601).contains(&(two - one).whole_seconds()), "{one} {two}");
        assert!((0..=1).contains(&(one_again - one).whole_seconds()), "{one} {one_again}");
    }

    #[test]
    fn spaces_are_quoted_like_python() {
        assert!(rendered(Cookie::new("t", "Hello World")).starts_with("t=\"Hello World\";"));
    }

    #[test]
    fn refusals_name_the_rule() {
        let rule = |c: Cookie<'_>| render(c).unwrap_err().rule().clone();
        assert_eq!(rule(Cookie::new("", "x")), CookieRule::EmptyName);
        assert!(matches!(
            rule(Cookie::new("a", "x\r\nSet-Cookie: y=z")),
            CookieRule::ValueCharacter { .. }
        ));
        assert!(matches!(rule(Cookie::new("a;b", "x")), CookieRule::NameCharacter { .. }));
        assert!(matches!(rule(Cookie::new("a", "x;y")), CookieRule::ValueCharacter { .. }));
        assert!(matches!(rule(Cookie::new("a", "caf\u{e9}")), CookieRule::ValueCharacter { .. }));
        let none = Cookie::build(("a", "x")).same_site(SameSite::None).build();
        assert_eq!(rule(none), CookieRule::SameSiteNoneWithoutSecure);
        let host = Cookie::build(("__Host-a", "x")).secure(true).domain("x.com").build();
        assert_eq!(rule(host), CookieRule::HostPrefixWithDomain);
        let host = Cookie::build(("__Host-a", "x")).secure(true).path("/a").build();
        assert_eq!(rule(host), CookieRule::HostPrefixWithPath);
        assert!(matches!(
            rule(Cookie::new("__Secure-a", "x")),
            CookieRule::PrefixNeedsSecure { .. }
        ));
        assert!(matches!(rule(Cookie::new("a", "x".repeat(5000))), CookieRule::TooLarge { .. }));
        let path = Cookie::build(("a", "x")).path("/\r\nX: y").build();
        assert!(matches!(rule(path), CookieRule::AttributeCharacter { .. }));
    }

    #[test]
    fn removal_expires_in_the_past() {
        let s = rendered(removal(Cookie::build(("a", "")).path("/p").build()));
        assert!(s.contains("Max-Age=0") && s.contains("Path=/p"), "{s}");
        assert!(s.contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"), "{s}");
        let s = rendered(removal(Cookie::new("__Host-sid", "")));
        assert!(s.contains("Secure"), "{s}");
    }
}

/// The attributes of a cookie declared in `routes.toml`, as typed values.
#[derive(Debug)]
pub struct CookieAttributes {
    pub max_age: Option<time::Duration>,
    pub expires: Option<time::OffsetDateTime>,
    pub path: Option<&'static str>,
    pub domain: Option<&'static str>,
    pub secure: Option<bool>,
    pub http_only: Option<bool>,
    pub same_site: Option<SameSite>,
    pub partitioned: Option<bool>,
}

fn apply(mut cookie: Cookie<'static>, attributes: &CookieAttributes) -> Cookie<'static> {
    if let Some(path) = attributes.path {
        cookie.set_path(path);
    }
    if let Some(domain) = attributes.domain {
        cookie.set_domain(domain);
    }
    if let Some(secure) = attributes.secure {
        cookie.set_secure(secure);
    }
    if let Some(http_only) = attributes.http_only {
        cookie.set_http_only(http_only);
    }
    if let Some(same_site) = attributes.same_site {
        cookie.set_same_site(same_site);
    }
    if let Some(partitioned) = attributes.partitioned {
        cookie.set_partitioned(partitioned);
    }
    cookie
}

/// A declared cookie holding `value`.
pub fn declared_cookie(
    name: &'static str,
    value: &dyn std::fmt::Display,
    attributes: &CookieAttributes,
) -> Cookie<'static> {
    let mut cookie = apply(Cookie::new(name, value.to_string()), attributes);
    if let Some(age) = attributes.max_age {
        cookie.set_max_age(age);
    }
    if let Some(at) = attributes.expires {
        cookie.set_expires(at);
    }
    cookie
}

/// What removes a declared cookie: its name, `Path` and `Domain`.
pub fn declared_removal(name: &'static str, attributes: &CookieAttributes) -> Cookie<'static> {
    apply(Cookie::new(name, ""), attributes)
}
