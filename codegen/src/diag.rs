//! Helping messages: suggestions for misspelt keys, and pointing inside a string.

/// The closest of `candidates` to `unknown`, when it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(unknown: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (distance(unknown, c), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(1) + usize::from(c.len() > 8))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "`x`; did you mean `y`?" or "`x`; expected one of `a`, `b`".
pub(crate) fn unknown(what: &str, unknown: &str, candidates: &[&str]) -> String {
    match suggest(unknown, candidates) {
        Some(s) => format!("unknown {what} `{unknown}`; did you mean `{s}`?"),
        None => {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            format!("unknown {what} `{unknown}`; expected one of {}", list.join(", "))
        }
    }
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A message that shows `text` with `^` under the bytes `start..end`, for errors inside a
/// string literal (stable Rust cannot span part of a literal).
pub(crate) fn caret(message: &str, text: &str, start: usize, end: usize) -> String {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let pad = text[..start].chars().count();
    let width = text[start..end].chars().count().max(1);
    format!("{message}\n  \"{text}\"\n   {}{}", " ".repeat(pad), "^".repeat(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys() {
        let keys = ["response_model", "status", "name"];
        assert_eq!(suggest("respons_model", &keys), Some("response_model"));
        assert_eq!(suggest("stauts", &keys), Some("status"));
        assert_eq!(suggest("zzz", &keys), None);
    }

    #[test]
    fn draws_a_caret() {
        assert_eq!(caret("bad", "/a//b", 2, 4), "bad\n  \"/a//b\"\n     ^^");
    }
}
