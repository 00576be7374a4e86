//! How generated handlers read each declared parameter: cookie, query, header and path
//! values converted with `FromStr`, their errors collected so that one 422 lists them all,
//! dependencies and the body. Generated code reaches these through `__private`.

// A rejection here *is* the response to send, returned once per failed request; boxing it
// would only move it to the heap on the way out.
#![allow(clippy::result_large_err)]

use std::fmt::Display;
use std::str::FromStr;

use crate::convert;
use crate::error::{Error, ErrorDetail, Loc};
use crate::extract::{FromBody, FromRequest};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// The types a cookie, query, header or path parameter may have.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a cookie, query, header or path value",
    label = "not `FromStr`",
    note = "such a parameter's type implements `FromStr` with a `Display` error \
            (`String`, numbers, `bool`, `char`, your own `FromStr` types), or is `Option` of one"
)]
pub trait ValueType: FromStr<Err: Display> + 'static {}

impl<T> ValueType for T where T: FromStr<Err: Display> + 'static {}

/// The validation errors of one request, collected so that a 422 lists them all.
#[derive(Debug, Default)]
pub struct Errors(Vec<ErrorDetail>);

impl Errors {
    /// No errors yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Keeps the value, or records the error.
    pub fn take<T>(&mut self, result: Result<T, Box<ErrorDetail>>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(d) => {
                self.0.push(*d);
                None
            }
        }
    }

    /// Keeps the body, or records its error; an error that is not a validation error
    /// (broken JSON, a body too large) answers at once.
    pub fn take_body<T>(&mut self, result: Result<T, Error>) -> Result<Option<T>, Response> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(Error::Validation(details)) => {
                self.0.extend(details);
                Ok(None)
            }
            Err(other) => Err(other.into_response()),
        }
    }

    /// The 422 response, when there were errors.
    pub fn into_response(self) -> Option<Response> {
        (!self.0.is_empty()).then(|| Error::Validation(self.0).into_response())
    }

    /// The 422 response of a request one of whose values was refused (a 500 if none was
    /// recorded: a handler asks only after a `take` gave `None`, which records one).
    pub fn into_rejection(self) -> Response {
        self.into_response().unwrap_or_else(Response::internal_server_error)
    }
}

fn loc(source: &'static str, name: &str) -> Vec<Loc> {
    vec![Loc::from(source), Loc::from(name.to_owned())]
}

fn convert_opt<T>(
    raw: Option<&str>,
    source: &'static str,
    name: &str,
) -> Result<Option<T>, Box<ErrorDetail>>
where
    T: FromStr + 'static,
    T::Err: Display,
{
    match raw {
        None => Ok(None),
        Some(raw) => convert::parse(raw, || loc(source, name)).map(Some),
    }
}

/// Turns an absent value into a `missing` error.
pub fn required<T>(
    value: Result<Option<T>, Box<ErrorDetail>>,
    source: &'static str,
    name: &str,
) -> Result<T, Box<ErrorDetail>> {
    value?.ok_or_else(|| Box::new(ErrorDetail::missing(loc(source, name))))
}

/// The path parameter `name`.
pub fn path<T>(request: &Request, name: &str) -> Result<T, Box<ErrorDetail>>
where
    T: ValueType,
{
    required(convert_opt(request.param(name).as_deref(), "path", name), "path", name)
}

/// The cookie `name`, if sent.
pub fn cookie<T: ValueType>(request: &Request, name: &str) -> Result<Option<T>, Box<ErrorDetail>> {
    convert_opt(request.cookie(name).as_deref(), "cookie", name)
}

/// The query parameter `name`, if sent.
pub fn query<T: ValueType>(request: &Request, name: &str) -> Result<Option<T>, Box<ErrorDetail>> {
    convert_opt(request.query_value(name).as_deref(), "query", name)
}

/// The header `name`, if sent.
pub fn header<T: ValueType>(request: &Request, name: &str) -> Result<Option<T>, Box<ErrorDetail>> {
    convert_opt(request.header(name), "header", name)
}

/// A dependency; its rejection answers at once.
pub async fn dependency<T: FromRequest>(
    request: &Request,
    response: &mut Response,
) -> Result<T, Response> {
    T::from_request(request, response).await.map_err(IntoResponse::into_response)
}

/// The body.
pub async fn body<T: FromBody>(request: &Request) -> Result<T, Error> {
    T::from_body(request).await
}

/// The signed cookie `name`, if sent and valid.
pub fn signed_cookie<T: ValueType>(
    request: &Request,
    name: &str,
) -> Result<Option<T>, Box<ErrorDetail>> {
    convert_opt(request.signed_cookie(name).as_deref(), "cookie", name)
}

/// The private cookie `name`, if sent and valid.
pub fn private_cookie<T: ValueType>(
    request: &Request,
    name: &str,
) -> Result<Option<T>, Box<ErrorDetail>> {
    convert_opt(request.private_cookie(name).as_deref(), "cookie", name)
}
