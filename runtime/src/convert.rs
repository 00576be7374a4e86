//! Typed conversion of request strings (path parameters, cookies, query values, headers),
//! with the error `type` and `msg` pydantic 2 gives for the same input.

use std::any::{Any, TypeId};
use std::str::FromStr;

use crate::error::{ErrorDetail, Loc};

/// Parses `raw` as `T`. On failure the detail names `loc`, and for the standard numeric and
/// boolean types says what FastAPI says (`int_parsing`, `float_parsing`, `bool_parsing`).
pub(crate) fn parse<T>(raw: &str, loc: impl FnOnce() -> Vec<Loc>) -> Result<T, Box<ErrorDetail>>
where
    T: FromStr + 'static,
    T::Err: std::fmt::Display,
{
    let id = TypeId::of::<T>();
    if id == TypeId::of::<bool>() {
        return match parse_bool(raw) {
            Some(b) => Ok(downcast::<T, bool>(b)),
            None => Err(Box::new(detail(
                "bool_parsing",
                "Input should be a valid boolean, unable to interpret input",
                raw,
                loc(),
            ))),
        };
    }
    let trimmed = if is_integer(id) || is_float(id) { raw.trim() } else { raw };
    match trimmed.parse::<T>() {
        Ok(v) => Ok(v),
        Err(error) => Err(Box::new(if is_integer(id) {
            detail(
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
                raw,
                loc(),
            )
        } else if is_float(id) {
            detail(
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
                raw,
                loc(),
            )
        } else {
            let mut d = detail("value_error", format!("Value error, {error}"), raw, loc());
            d.ctx = Some(serde_json::json!({ "error": error.to_string() }));
            d
        })),
    }
}

fn detail(
    kind: &'static str,
    msg: impl Into<std::borrow::Cow<'static, str>>,
    raw: &str,
    loc: Vec<Loc>,
) -> ErrorDetail {
    ErrorDetail::new(kind, loc, msg, serde_json::Value::String(raw.to_owned()))
}

fn downcast<T: 'static, U: 'static>(value: U) -> T {
    let mut slot = Some(value);
    let any: &mut dyn Any = &mut slot;
    match any.downcast_mut::<Option<T>>().and_then(Option::take) {
        Some(v) => v,
        None => unreachable!("downcast is only called when the TypeIds are equal"),
    }
}

fn is_integer(id: TypeId) -> bool {
    [
        TypeId::of::<i8>(),
        TypeId::of::<i16>(),
        TypeId::of::<i32>(),
        TypeId::of::<i64>(),
        TypeId::of::<i128>(),
        TypeId::of::<isize>(),
        TypeId::of::<u8>(),
        TypeId::of::<u16>(),
        TypeId::of::<u32>(),
        TypeId::of::<u64>(),
        TypeId::of::<u128>(),
        TypeId::of::<usize>(),
    ]
    .contains(&id)
}

fn is_float(id: TypeId) -> bool {
    id == TypeId::of::<f32>() || id == TypeId::of::<f64>()
}

/// Booleans as pydantic reads them from strings.
fn parse_bool(raw: &str) -> Option<bool> {
    const TRUE: [&str; 6] = ["1", "on", "t", "true", "y", "yes"];
    const FALSE: [&str; 6] = ["0", "off", "f", "false", "n", "no"];
    let s = raw.trim();
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Some(true)
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(s)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Vec<Loc> {
        vec![Loc::from("path"), Loc::from("user_id")]
    }

    #[test]
    fn integers() {
        assert_eq!(parse::<i64>(" 42 ", loc), Ok(42));
        let e = parse::<i64>("abc", loc).unwrap_err();
        assert_eq!(e.kind, "int_parsing");
        assert_eq!(e.input, "abc");
        assert_eq!(e.loc, loc());
    }

    #[test]
    fn booleans_like_pydantic() {
        assert_eq!(parse::<bool>("Yes", loc), Ok(true));
        assert_eq!(parse::<bool>("off", loc), Ok(false));
        assert_eq!(parse::<bool>("maybe", loc).unwrap_err().kind, "bool_parsing");
    }

    #[test]
    fn other_types_are_value_errors() {
        assert_eq!(parse::<String>(" x ", loc).as_deref(), Ok(" x "));
        assert_eq!(parse::<char>("ab", loc).unwrap_err().kind, "value_error");
        assert_eq!(parse::<f64>("x", loc).unwrap_err().kind, "float_parsing");
    }
}
