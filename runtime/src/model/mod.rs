//! Response models: the field set of a model, fixed at compile time by
//! `#[derive(ResponseModel)]`, and the filter that writes any serializable value as the
//! model's view of it, as FastAPI's `response_model` does.

mod filter;
mod shape;

pub use filter::{FilterOptions, ResponseValidationError, filter_shape_to_vec, filter_to_vec};
pub use shape::{FieldSchema, FieldShape, ModelSchema, ResponseModel, Shape};
