//! Durations as declarations write them: `3600`, `"90s"`, `"30m"`, `"1h"`, `"7d"`, `"1h30m"`.

use std::fmt;

/// Why a duration string does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    /// Byte offset of the offending part.
    pub offset: usize,
    /// What was expected there.
    pub message: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for DurationError {}

/// Parses a duration into seconds. A bare number is seconds; otherwise one or more
/// `<number><unit>` groups with units `s`, `m`, `h`, `d`, `w`.
pub fn parse_seconds(text: &str) -> Result<i64, DurationError> {
    let text_trimmed = text.trim();
    if text_trimmed.is_empty() {
        return Err(DurationError {
            offset: 0,
            message: "expected a duration such as `3600` or `1h`",
        });
    }
    if let Ok(secs) = text_trimmed.parse::<i64>() {
        return Ok(secs);
    }
    let bytes = text_trimmed.as_bytes();
    let mut total: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(DurationError { offset: i, message: "expected a number" });
        }
        let n: i64 = text_trimmed[start..i]
            .parse()
            .map_err(|_| DurationError { offset: start, message: "number too large" })?;
        let unit = match bytes.get(i) {
            Some(b's') => 1,
            Some(b'm') => 60,
            Some(b'h') => 3600,
            Some(b'd') => 86_400,
            Some(b'w') => 604_800,
            _ => {
                return Err(DurationError {
                    offset: i,
                    message: "expected a unit: `s`, `m`, `h`, `d` or `w`",
                });
            }
        };
        i += 1;
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or(DurationError { offset: start, message: "duration too large" })?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn parses() {
        assert_eq!(parse_seconds("3600"), Ok(3600));
        assert_eq!(parse_seconds("1h"), Ok(3600));
        assert_eq!(parse_seconds("1h30m"), Ok(5400));
        assert_eq!(parse_seconds("7d"), Ok(604_800));
        assert_eq!(parse_seconds("-5"), Ok(-5));
        assert!(parse_seconds("1x").is_err());
        assert!(parse_seconds("h").is_err());
        assert!(parse_seconds("").is_err());
        assert!(parse_seconds("99999999999999999999h").is_err());
    }
}
