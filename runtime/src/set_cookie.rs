//! Turning a [`Cookie`] into one `Set-Cookie` header: the secure defaults, the matching
//! `Expires`, and every rule that keeps a broken or injected header from leaving.

use cookie::{Cookie, Expiration, SameSite};
use cookie_route_core::cookie::{self as grammar, Attributes, ValueForm};
use http::HeaderValue;
use time::OffsetDateTime;

use crate::error::CookieError;

/// Checks `cookie`, fills in the defaults it leaves unset (`Path=/`, `HttpOnly`,
/// `SameSite=Lax`, an `Expires` matching `Max-Age`), and renders its `Set-Cookie` value.
pub(crate) fn render(mut cookie: Cookie<'_>) -> Result<HeaderValue, CookieError> {
    let name = cookie.name();
    grammar::check_name(name).map_err(|rule| CookieError::new(name, rule))?;
    let form = grammar::check_value(cookie.value()).map_err(|rule| CookieError::new(name, rule))?;
    if cookie.path().is_none() {
        cookie.set_path("/");
    }
    if cookie.http_only().is_none() {
        cookie.set_http_only(true);
    }
    if cookie.same_site().is_none() {
        cookie.set_same_site(SameSite::Lax);
    }
    // A date before 1601 is written with a short year (`27 Jul 64`) that clients read as
    // another, future date: the epoch says "in the past" just as well.
    if cookie.expires_datetime().is_some_and(|t| t.year() < 1601) {
        cookie.set_expires(Expiration::DateTime(OffsetDateTime::UNIX_EPOCH));
    }
    let max_age = cookie.max_age().map(|d| d.whole_seconds());
    if let (Some(age), None) = (cookie.max_age(), cookie.expires()) {
        let expires = OffsetDateTime::now_utc().saturating_add(age);
        cookie.set_expires(Expiration::DateTime(expires));
    }
    let attributes = Attributes {
        secure: cookie.secure() == Some(true),
        same_site_none: cookie.same_site() == Some(SameSite::None),
        partitioned: cookie.partitioned() == Some(true),
        domain: cookie.domain(),
        path: cookie.path(),
        max_age,
    };
    grammar::check_attributes(cookie.name(), &attributes)
        .map_err(|rule| CookieError::new(cookie.name(), rule))?;
    if form == ValueForm::Quoted {
        let quoted = grammar::quote_value(cookie.value());
        cookie.set_value(quoted);
    }
    grammar::check_size(cookie.name(), cookie.value())
        .map_err(|rule| CookieError::new(cookie.name(), rule))?;
    // Every part was checked above, so this cannot fail; map it all the same rather than
    // trusting that the checks and `HeaderValue` agree forever.
    HeaderValue::try_from(cookie.to_string()).map_err(|_| {
        CookieError::new(
            cookie.name(),
            grammar::CookieRule::ValueCharacter { ch: '\u{0}', index: 0 },
        )
    })
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
