//! Route path patterns: `/items/{item_id}`, `/static/{*rest}`.
//!
//! A pattern starts with `/`. Each segment is either literal text, a parameter `{name}` that
//! matches one non-empty segment, or, as the last segment, a catch-all `{*name}` that matches
//! the rest of the path. Parameter names are Rust identifiers. When several patterns match a
//! request, literal segments win over parameters and parameters over catch-alls, segment by
//! segment from the left; two patterns of the same shape (the same literals, parameters in the
//! same places) conflict. [`tree::Tree`] finds, for a request path, the pattern that matches
//! it by these rules.

use std::fmt;

pub mod tree;

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Static(String),
    /// `{name}`: one segment.
    Param(String),
    /// `{*name}`: the rest of the path.
    CatchAll(String),
}

/// A parsed path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: String,
    segments: Vec<Segment>,
}

/// Why a pattern does not parse: a message and the byte range of the pattern it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Byte offset in the pattern where the problem starts.
    pub start: usize,
    /// Byte offset where it ends (exclusive).
    pub end: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatternError {}

fn err(start: usize, end: usize, message: impl Into<String>) -> PatternError {
    PatternError { start, end, message: message.into() }
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

/// Whether `c` may appear literally in a pattern segment (RFC 3986 `pchar` without `%`
/// escapes, which a pattern does not need).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%".contains(c)
}

impl PathPattern {
    /// Parses a pattern.
    pub fn parse(source: &str) -> Result<Self, PatternError> {
        if !source.starts_with('/') {
            return Err(err(0, source.len().min(1), "a path pattern must start with `/`"));
        }
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        if source == "/" {
            return Ok(Self { source: source.to_owned(), segments });
        }
        let mut offset = 1;
        let parts: Vec<&str> = source[1..].split('/').collect();
        let count = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let start = offset;
            let end = start + part.len();
            offset = end + 1;
            let last = i + 1 == count;
            if part.is_empty() {
                if last {
                    // A trailing slash: `/cookie/` is its own path, as in FastAPI.
                    segments.push(Segment::Static(String::new()));
                    break;
                }
                return Err(err(start - 1, start + 1, "empty path segment (`//`)"));
            }
            if let Some(inner) = part.strip_prefix('{') {
                let Some(inner) = inner.strip_suffix('}') else {
                    return Err(err(start, end, "a parameter must fill its segment: `{name}`"));
                };
                let (catch_all, name) = match inner.strip_prefix('*') {
                    Some(name) => (true, name),
                    None => (false, inner),
                };
                if !is_ident(name) {
                    return Err(err(
                        start,
                        end,
                        format!("`{name}` is not a valid parameter name; use a Rust identifier"),
                    ));
                }
                if names.contains(&name) {
                    return Err(err(start, end, format!("parameter `{name}` appears twice")));
                }
                names.push(name);
                if catch_all {
                    if !last {
                        return Err(err(
                            start,
                            end,
                            "a catch-all `{*name}` must be the last segment",
                        ));
                    }
                    segments.push(Segment::CatchAll(name.to_owned()));
                } else {
                    segments.push(Segment::Param(name.to_owned()));
                }
                continue;
            }
            if let Some(pos) = part.find(|c: char| !is_path_char(c)) {
                let c = part[pos..].chars().next().unwrap_or(' ');
                let what = if c == '{' || c == '}' {
                    "a parameter must fill its segment: `{name}`".to_owned()
                } else {
                    format!("`{}` is not allowed in a path; percent-encode it", c.escape_default())
                };
                return Err(err(start + pos, start + pos + c.len_utf8(), what));
            }
            segments.push(Segment::Static(part.to_owned()));
        }
        Ok(Self { source: source.to_owned(), segments })
    }

    /// Parses the prefix of a route group (`App::nest`, `[groups.<name>]` of routes.toml): a
    /// pattern that starts with `/`, does not end with one (`/` alone included), and has no
    /// catch-all, since the group's routes come after it. `/api` and `/users/{user_id}` are
    /// prefixes.
    ///
    /// ```
    /// use cookie_route_core::path::PathPattern;
    ///
    /// assert!(PathPattern::parse_prefix("/users/{user_id}").is_ok());
    /// let e = PathPattern::parse_prefix("/api/").unwrap_err();
    /// assert_eq!((e.start, e.end), (4, 5));
    /// assert!(PathPattern::parse_prefix("/files/{*rest}").is_err());
    /// ```
    pub fn parse_prefix(source: &str) -> Result<Self, PatternError> {
        let pattern = Self::parse(source)?;
        if source == "/" {
            return Err(err(
                0,
                1,
                "a group prefix is a path below `/`, such as `/api` (routes at the root need no group)",
            ));
        }
        if let Some(trimmed) = source.strip_suffix('/') {
            return Err(err(
                trimmed.len(),
                source.len(),
                format!(
                    "a group prefix must not end with `/` (the group's paths start with one): \
                     write `{trimmed}`"
                ),
            ));
        }
        if let Some(start) = source.find("{*") {
            let end = source[start..].find('}').map_or(source.len(), |i| start + i + 1);
            return Err(err(
                start,
                end,
                "a group prefix cannot have a catch-all `{*name}`: the group's routes come after it",
            ));
        }
        Ok(pattern)
    }

    /// This pattern under a group's `prefix` (see [`PathPattern::parse_prefix`]), as the group
    /// mounts it: `/items` under `/api` is `/api/items`, and `/` is the prefix itself. Fails
    /// when the whole does not parse (a parameter named in both, say).
    ///
    /// ```
    /// use cookie_route_core::path::PathPattern;
    ///
    /// let prefix = PathPattern::parse_prefix("/users/{user_id}").unwrap();
    /// let posts = PathPattern::parse("/posts").unwrap().under(&prefix).unwrap();
    /// assert_eq!(posts.as_str(), "/users/{user_id}/posts");
    /// assert_eq!(PathPattern::parse("/").unwrap().under(&prefix).unwrap(), prefix);
    /// ```
    pub fn under(&self, prefix: &Self) -> Result<Self, PatternError> {
        match self.source.as_str() {
            "/" => Self::parse(&prefix.source),
            path => Self::parse(&format!("{}{path}", prefix.source)),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Names of the parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(n) | Segment::CatchAll(n) => Some(n.as_str()),
            Segment::Static(_) => None,
        })
    }

    /// Whether `self` and `other` have the same shape, so that no priority rule can tell
    /// which of them a request is for.
    pub fn conflicts_with(&self, other: &Self) -> bool {
        self.segments.len() == other.segments.len()
            && self.segments.iter().zip(&other.segments).all(|pair| match pair {
                (Segment::Static(a), Segment::Static(b)) => a == b,
                (Segment::Param(_), Segment::Param(_)) => true,
                (Segment::CatchAll(_), Segment::CatchAll(_)) => true,
                _ => false,
            })
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_patterns() {
        let p = PathPattern::parse("/items/{item_id}/name").unwrap();
        assert_eq!(p.params().collect::<Vec<_>>(), ["item_id"]);
        assert_eq!(PathPattern::parse("/").unwrap().segments(), []);
        let p = PathPattern::parse("/cookie/").unwrap();
        assert_eq!(p.segments(), [Segment::Static("cookie".into()), Segment::Static("".into())]);
        let p = PathPattern::parse("/static/{*rest}").unwrap();
        assert_eq!(p.segments()[1], Segment::CatchAll("rest".into()));
    }

    #[test]
    fn rejects_bad_patterns() {
        let e = PathPattern::parse("items").unwrap_err();
        assert_eq!((e.start, e.end), (0, 1));
        let e = PathPattern::parse("/a//b").unwrap_err();
        assert_eq!((e.start, e.end), (2, 4));
        let e = PathPattern::parse("/a/{id").unwrap_err();
        assert_eq!((e.start, e.end), (3, 6));
        assert!(PathPattern::parse("/a/x{id}").is_err());
        assert!(PathPattern::parse("/a/{1x}").is_err());
        assert!(PathPattern::parse("/a/{id}/{id}").is_err());
        assert!(PathPattern::parse("/{*rest}/a").is_err());
        assert!(PathPattern::parse("/a b").is_err());
    }

    #[test]
    fn parses_group_prefixes() {
        for ok in ["/api", "/users/{user_id}", "/v2/api"] {
            assert!(PathPattern::parse_prefix(ok).is_ok(), "{ok}");
        }
        // The prefixes App::nest refuses, refused here too.
        for (bad, range) in
            [("api", (0, 1)), ("/api/", (4, 5)), ("/", (0, 1)), ("/files/{*rest}", (7, 14))]
        {
            let e = PathPattern::parse_prefix(bad).unwrap_err();
            assert_eq!((e.start, e.end), range, "{bad}: {e}");
        }
        let e = PathPattern::parse_prefix("/a//b").unwrap_err();
        assert_eq!(e.message, "empty path segment (`//`)");
    }

    #[test]
    fn joins_a_prefix_and_a_path() {
        let prefix = PathPattern::parse_prefix("/users/{id}").unwrap();
        let p = |s| PathPattern::parse(s).unwrap();
        assert_eq!(p("/posts/").under(&prefix).unwrap().as_str(), "/users/{id}/posts/");
        assert_eq!(p("/").under(&prefix).unwrap().as_str(), "/users/{id}");
        let e = p("/posts/{id}").under(&prefix).unwrap_err();
        assert_eq!(e.message, "parameter `id` appears twice");
        assert!(p("/items").under(&p("/api")).unwrap().conflicts_with(&p("/api/items")));
    }

    #[test]
    fn conflicts() {
        let p = |s| PathPattern::parse(s).unwrap();
        assert!(p("/items/{a}").conflicts_with(&p("/items/{b}")));
        assert!(!p("/items/{a}").conflicts_with(&p("/items/me")));
        assert!(!p("/items/{a}").conflicts_with(&p("/items/{a}/")));
        assert!(p("/x/{*a}").conflicts_with(&p("/x/{*b}")));
    }
}
