//! Writing JSON strings, byte for byte as serde_json does, those with nothing to escape (nearly
//! all) checked a word at a time and copied whole.

use serde::ser;

/// Writes `s` as a JSON string, byte for byte as serde_json does: `"`, `\\` and the control
/// characters escaped, every other byte as it is. A string with nothing to escape (nearly all)
/// is checked a word at a time and copied whole (a short one as two overlapping words, the
/// second written over the end of the first); the others are written by serde_json.
#[inline]
pub(super) fn write_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let n = b.len();
    let at = out.len();
    if (8..=16).contains(&n) {
        let (head, tail) = (word(b, 0), word(b, n - 8));
        if escapes(u64::from_le_bytes(head)) || escapes(u64::from_le_bytes(tail)) {
            return write_escaped_str(out, s);
        }
        out.reserve(n + 2);
        out.push(b'"');
        out.extend_from_slice(&head);
        out.truncate(at + n - 7);
        out.extend_from_slice(&tail);
    } else if (4..8).contains(&n) {
        let (head, tail) = (half(b, 0), half(b, n - 4));
        if escapes(doubled(head)) || escapes(doubled(tail)) {
            return write_escaped_str(out, s);
        }
        out.reserve(n + 2);
        out.push(b'"');
        out.extend_from_slice(&head);
        out.truncate(at + n - 3);
        out.extend_from_slice(&tail);
    } else if n < 4 {
        if b.iter().any(|&byte| escape_byte(byte)) {
            return write_escaped_str(out, s);
        }
        out.reserve(n + 2);
        out.push(b'"');
        for &byte in b {
            out.push(byte);
        }
    } else {
        return write_long_str(out, s);
    }
    out.push(b'"');
}

/// [`write_str`] for strings longer than 16 bytes.
#[inline(never)]
fn write_long_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(8);
    let body = chunks.by_ref().any(|chunk| escapes(u64::from_le_bytes(word(chunk, 0))));
    // The last 8 bytes cover the remainder (the string is longer than 8 bytes).
    if body || (!chunks.remainder().is_empty() && escapes(u64::from_le_bytes(word(b, b.len() - 8))))
    {
        return write_escaped_str(out, s);
    }
    out.reserve(b.len() + 2);
    out.push(b'"');
    out.extend_from_slice(b);
    out.push(b'"');
}

/// Writes `s` with serde_json.
#[cold]
#[inline(never)]
fn write_escaped_str(out: &mut Vec<u8>, s: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = ser::Serializer::serialize_str(&mut serde_json::Serializer::new(out), s);
}

/// Whether serde_json escapes `byte` in a string.
#[inline]
fn escape_byte(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any of the 8 bytes of `x` is one that serde_json escapes (a control character, `"`
/// or `\\`). Exact: a byte below 0x20 sets its own top bit in `x - 0x20..` (bytes from 0x80 up
/// are masked off by `!x`), and borrows only run upwards from such a byte.
#[inline]
fn escapes(x: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const TOPS: u64 = ONES * 0x80;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x;
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v;
    (below_space | zero_in(quote) | zero_in(backslash)) & TOPS != 0
}

/// Four bytes twice, as a word for [`escapes`].
#[inline]
fn doubled(half: [u8; 4]) -> u64 {
    let x = u64::from(u32::from_le_bytes(half));
    x | (x << 32)
}

#[inline]
pub(super) fn word(s: &[u8], at: usize) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(&s[at..at + 8]);
    w
}

#[inline]
pub(super) fn half(s: &[u8], at: usize) -> [u8; 4] {
    let mut w = [0; 4];
    w.copy_from_slice(&s[at..at + 4]);
    w
}
