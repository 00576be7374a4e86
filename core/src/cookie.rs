//! Cookie names, values and attributes as RFC 6265bis lets a server send them.

use std::fmt;

/// The largest `name=value` pair browsers are required to keep (RFC 6265bis §5.7).
pub const MAX_NAME_VALUE_BYTES: usize = 4096;
/// The largest attribute value browsers are required to keep (RFC 6265bis §5.7).
pub const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// Why a cookie cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieRule {
    /// The name is empty.
    EmptyName,
    /// The name holds a byte that is not an RFC 9110 `token` character.
    NameCharacter { byte: u8, index: usize },
    /// The value holds a control character, `;`, or (unencoded) non-ASCII.
    ValueCharacter { ch: char, index: usize },
    /// `name=value` is longer than browsers keep.
    TooLarge { bytes: usize },
    /// An attribute value (`Path`, `Domain`) holds a control character or `;`.
    AttributeCharacter { attribute: &'static str, ch: char, index: usize },
    /// An attribute value is longer than browsers keep.
    AttributeTooLarge { attribute: &'static str, bytes: usize },
    /// An attribute value browsers would read as something else (trimmed, ignored).
    AttributeValue { attribute: &'static str, reason: &'static str },
    /// `SameSite=None` was asked for without `Secure`.
    SameSiteNoneWithoutSecure,
    /// A `__Secure-` or `__Host-` cookie without `Secure`.
    PrefixNeedsSecure { prefix: &'static str },
    /// A `__Host-` cookie with a `Domain`.
    HostPrefixWithDomain,
    /// A `__Host-` cookie whose `Path` is not `/`.
    HostPrefixWithPath,
    /// A negative `Max-Age`.
    NegativeMaxAge,
    /// `Partitioned` without `Secure`.
    PartitionedWithoutSecure,
}

impl fmt::Display for CookieRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyName => f.write_str("a cookie name must not be empty"),
            Self::NameCharacter { byte, index } => write!(
                f,
                "a cookie name may only hold token characters (letters, digits and \
                 !#$%&'*+-.^_`|~), found {} at byte {index}",
                describe_byte(*byte)
            ),
            Self::ValueCharacter { ch, index } => write!(
                f,
                "a cookie value must not hold control characters, `;` or non-ASCII \
                 characters (percent-encode them), found {} at byte {index}",
                describe_char(*ch)
            ),
            Self::TooLarge { bytes } => write!(
                f,
                "a cookie's name and value must fit in {MAX_NAME_VALUE_BYTES} bytes, \
                 this one has {bytes}"
            ),
            Self::AttributeCharacter { attribute, ch, index } => write!(
                f,
                "the `{attribute}` attribute must not hold control characters or `;`, \
                 found {} at byte {index}",
                describe_char(*ch)
            ),
            Self::AttributeTooLarge { attribute, bytes } => write!(
                f,
                "the `{attribute}` attribute must fit in {MAX_ATTRIBUTE_BYTES} bytes, \
                 this one has {bytes}"
            ),
            Self::AttributeValue { attribute, reason } => {
                write!(f, "the `{attribute}` attribute {reason}")
            }
            Self::SameSiteNoneWithoutSecure => {
                f.write_str("`SameSite=None` requires `Secure`; browsers reject it otherwise")
            }
            Self::PrefixNeedsSecure { prefix } => {
                write!(f, "a cookie named `{prefix}...` requires `Secure`")
            }
            Self::HostPrefixWithDomain => {
                f.write_str("a cookie named `__Host-...` must not set `Domain`")
            }
            Self::HostPrefixWithPath => {
                f.write_str("a cookie named `__Host-...` must have `Path=/`")
            }
            Self::NegativeMaxAge => f.write_str("`Max-Age` must not be negative"),
            Self::PartitionedWithoutSecure => f.write_str("`Partitioned` requires `Secure`"),
        }
    }
}

impl std::error::Error for CookieRule {}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("`{}`", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

fn describe_char(ch: char) -> String {
    if ch.is_ascii_graphic() || ch == ' ' { format!("`{ch}`") } else { format!("{:?}", ch) }
}

/// Whether `byte` is an RFC 9110 `tchar`, the alphabet of cookie names.
#[inline]
pub const fn is_token_byte(byte: u8) -> bool {
    matches!(byte,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// [`is_token_byte`] as a table, for the loop over a name.
const TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_token_byte(b as u8);
        b += 1;
    }
    table
};

/// Checks that `name` can be sent as a cookie name.
pub fn check_name(name: &str) -> Result<(), CookieRule> {
    if name.is_empty() {
        return Err(CookieRule::EmptyName);
    }
    match name.bytes().position(|b| !TOKEN_BYTES[usize::from(b)]) {
        Some(index) => Err(CookieRule::NameCharacter { byte: name.as_bytes()[index], index }),
        None => Ok(()),
    }
}

/// How a value that may be sent goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueForm {
    /// Every byte is an RFC 6265 `cookie-octet`: the value is sent as it is.
    Bare,
    /// The value holds a space, `"`, `,` or `\`: it is sent as a quoted string with `"` and
    /// `\` escaped, as Python's `http.cookies` (Flask, Starlette) sends it.
    Quoted,
}

/// Whether `byte` is an RFC 6265 `cookie-octet`.
#[inline]
pub const fn is_cookie_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// A byte of a value that is sent in a quoted string ([`VALUE_BYTES`]).
const QUOTED: u8 = 1;
/// A byte of a value that cannot be sent ([`VALUE_BYTES`]).
const REFUSED: u8 = 2;

/// What a byte of a value is: 0 a `cookie-octet`, [`QUOTED`] or [`REFUSED`].
const VALUE_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if is_cookie_octet(b as u8) {
            0
        } else if matches!(b as u8, b' ' | b'"' | b',' | b'\\') {
            QUOTED
        } else {
            REFUSED
        };
        b += 1;
    }
    table
};

/// Checks that `value` can be sent as a cookie value and says how it must be written.
pub fn check_value(value: &str) -> Result<ValueForm, CookieRule> {
    // One pass without a branch per byte (values are valid far more often than not), then
    // a second only to say where a refused byte is.
    let kinds = value.bytes().fold(0, |kinds, b| kinds | VALUE_BYTES[usize::from(b)]);
    if kinds & REFUSED != 0 {
        let index = value.bytes().position(|b| VALUE_BYTES[usize::from(b)] == REFUSED);
        let index = index.unwrap_or_default();
        // `index` is a character boundary: every byte before it was ASCII.
        let ch = value[index..].chars().next().unwrap_or('\u{fffd}');
        return Err(CookieRule::ValueCharacter { ch, index });
    }
    Ok(if kinds & QUOTED == 0 { ValueForm::Bare } else { ValueForm::Quoted })
}

/// Writes `value` as a quoted string, escaping `"` and `\` (the [`ValueForm::Quoted`] form).
pub fn quote_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// Reads a value as a client sent it back: a quoted string loses its quotes and escapes
/// (`"a\"b"` reads `a"b`), as Python's `http.cookies` reads it. Returns `None` when the value
/// is not quoted, so the caller can keep borrowing the original.
pub fn unquote_value(raw: &str) -> Option<String> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(ch);
        }
    }
    Some(out)
}

/// Checks the value of the `Path` or `Domain` attribute: one that clients would read as
/// something else (trimmed, ignored, the request's own path) is refused.
pub fn check_attribute(attribute: &'static str, value: &str) -> Result<(), CookieRule> {
    if value.len() > MAX_ATTRIBUTE_BYTES {
        return Err(CookieRule::AttributeTooLarge { attribute, bytes: value.len() });
    }
    if let Some((index, ch)) =
        value.char_indices().find(|&(_, c)| c == ';' || c.is_control() || !c.is_ascii())
    {
        return Err(CookieRule::AttributeCharacter { attribute, ch, index });
    }
    let refuse = |reason| Err(CookieRule::AttributeValue { attribute, reason });
    if value.trim_matches([' ', '\t']) != value {
        return refuse("must not start or end with whitespace (clients trim it)");
    }
    match attribute {
        "Path" if !value.starts_with('/') => {
            refuse("must start with `/` (clients ignore it otherwise)")
        }
        // As written: one leading dot (`.example.com`, RFC 2109 style) is dropped before
        // writing, by the `cookie` crate and by `normalize_domain`, and clients drop one more.
        "Domain" => {
            if value.is_empty()
                || value.starts_with('.')
                || value.ends_with('.')
                || value.contains(' ')
            {
                refuse("must be a host name (clients ignore it otherwise)")
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// A `Domain` as it is written: without the one leading dot that RFC 2109 allowed.
pub fn normalize_domain(domain: &str) -> &str {
    domain.strip_prefix('.').unwrap_or(domain)
}

/// The cookie name prefixes that browsers enforce (RFC 6265bis §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `__Secure-`: must be `Secure`.
    Secure,
    /// `__Host-`: must be `Secure`, have `Path=/` and no `Domain`.
    Host,
}

impl Prefix {
    /// The prefix `name` starts with, compared without regard to case as browsers do.
    pub fn of(name: &str) -> Option<Self> {
        let starts = |p: &str| {
            name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        if starts("__Host-") {
            Some(Self::Host)
        } else if starts("__Secure-") {
            Some(Self::Secure)
        } else {
            None
        }
    }

    /// The prefix as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Secure => "__Secure-",
            Self::Host => "__Host-",
        }
    }
}

/// The attributes that rules across attributes look at.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attributes<'a> {
    /// `Secure` is set.
    pub secure: bool,
    /// `SameSite=None` is set.
    pub same_site_none: bool,
    /// `Partitioned` is set.
    pub partitioned: bool,
    /// The `Domain` attribute, if any.
    pub domain: Option<&'a str>,
    /// The `Path` attribute, if any.
    pub path: Option<&'a str>,
    /// `Max-Age` in seconds, if any.
    pub max_age: Option<i64>,
}

/// Checks the rules that tie attributes to each other and to the name's prefix.
pub fn check_attributes(name: &str, attrs: &Attributes<'_>) -> Result<(), CookieRule> {
    if let Some(domain) = attrs.domain {
        check_attribute("Domain", domain)?;
    }
    // `/` (the default, and the most common) is a valid path as it is.
    if let Some(path) = attrs.path
        && path != "/"
    {
        check_attribute("Path", path)?;
    }
    if attrs.same_site_none && !attrs.secure {
        return Err(CookieRule::SameSiteNoneWithoutSecure);
    }
    if attrs.partitioned && !attrs.secure {
        return Err(CookieRule::PartitionedWithoutSecure);
    }
    if attrs.max_age.is_some_and(|s| s < 0) {
        return Err(CookieRule::NegativeMaxAge);
    }
    match Prefix::of(name) {
        Some(prefix) if !attrs.secure => {
            Err(CookieRule::PrefixNeedsSecure { prefix: prefix.as_str() })
        }
        Some(Prefix::Host) if attrs.domain.is_some() => Err(CookieRule::HostPrefixWithDomain),
        Some(Prefix::Host) if attrs.path.is_some_and(|p| p != "/") => {
            Err(CookieRule::HostPrefixWithPath)
        }
        _ => Ok(()),
    }
}

/// Checks the size of `name=value` as it goes on the wire.
pub fn check_size(name: &str, wire_value: &str) -> Result<(), CookieRule> {
    let bytes = name.len() + wire_value.len();
    if bytes > MAX_NAME_VALUE_BYTES {
        return Err(CookieRule::TooLarge { bytes });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("session").is_ok());
        assert!(check_name("__Host-sid").is_ok());
        assert_eq!(check_name(""), Err(CookieRule::EmptyName));
        assert_eq!(check_name("a b"), Err(CookieRule::NameCharacter { byte: b' ', index: 1 }));
        assert!(check_name("a;b").is_err());
        assert!(check_name("a=b").is_err());
        assert!(check_name("é").is_err());
    }

    #[test]
    fn values_say_their_form_or_where_they_are_refused() {
        assert_eq!(check_value(""), Ok(ValueForm::Bare));
        assert_eq!(check_value("fake-cookie-session-value"), Ok(ValueForm::Bare));
        assert_eq!(check_value("a b,\"c\"\\"), Ok(ValueForm::Quoted));
        let refused = |ch, index| Err(CookieRule::ValueCharacter { ch, index });
        assert_eq!(check_value("ab;c"), refused(';', 2));
        assert_eq!(check_value("a b\r\n"), refused('\r', 3));
        assert_eq!(check_value("café;"), refused('é', 3));
        assert_eq!(check_value("\u{7f}"), refused('\u{7f}', 0));
        for b in 0..=255u8 {
            let refused = !(is_cookie_octet(b) || matches!(b, b' ' | b'"' | b',' | b'\\'));
            let value = [b'x', b];
            let value = String::from_utf8_lossy(&value);
            assert_eq!(check_value(&value).is_err(), refused, "byte {b:#x}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(check_value("JohnDoe"), Ok(ValueForm::Bare));
        assert_eq!(check_value(""), Ok(ValueForm::Bare));
        assert_eq!(check_value("Hello World"), Ok(ValueForm::Quoted));
        assert!(check_value("a;b").is_err());
        assert!(check_value("a\r\nSet-Cookie: x=y").is_err());
        assert!(check_value("caf\u{e9}").is_err());
        assert!(check_value("\u{7f}").is_err());
    }

    #[test]
    fn quoting_round_trips() {
        for v in ["Hello World", "a\"b", "back\\slash", "x,y"] {
            assert_eq!(unquote_value(&quote_value(v)).as_deref(), Some(v));
        }
        assert_eq!(unquote_value("bare"), None);
    }

    #[test]
    fn prefixes() {
        let secure = Attributes { secure: true, ..Attributes::default() };
        assert!(check_attributes("__Host-a", &Attributes { path: Some("/"), ..secure }).is_ok());
        assert_eq!(
            check_attributes("__Host-a", &Attributes { domain: Some("x.com"), ..secure }),
            Err(CookieRule::HostPrefixWithDomain)
        );
        assert_eq!(
            check_attributes("__host-a", &Attributes { path: Some("/a"), ..secure }),
            Err(CookieRule::HostPrefixWithPath)
        );
        assert_eq!(
            check_attributes("__Secure-a", &Attributes::default()),
            Err(CookieRule::PrefixNeedsSecure { prefix: "__Secure-" })
        );
        assert_eq!(
            check_attributes("a", &Attributes { same_site_none: true, ..Attributes::default() }),
            Err(CookieRule::SameSiteNoneWithoutSecure)
        );
        assert!(check_attributes("a", &Attributes { path: Some("/a;b"), ..secure }).is_err());
        for path in ["", " /a", "/a ", "a"] {
            assert!(
                check_attributes("a", &Attributes { path: Some(path), ..secure }).is_err(),
                "{path:?}"
            );
        }
        for domain in ["", ".", "..x.com", " x.com", "x.com."] {
            let domain = normalize_domain(domain);
            assert!(
                check_attributes("a", &Attributes { domain: Some(domain), ..secure }).is_err(),
                "{domain:?}"
            );
        }
        let written = normalize_domain(".x.com");
        assert!(check_attributes("a", &Attributes { domain: Some(written), ..secure }).is_ok());
    }
}
