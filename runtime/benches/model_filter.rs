//! The response-model filter against plain serialization of the model type itself.
//!
//! `cargo bench -p cookie-route --bench model_filter`
//!
//! Each group compares writing the model type directly with `serde_json::to_vec` (what a
//! handler returning the output type would cost) with filtering the input type (which has
//! more fields) through the model's schema, which writes the very same bytes.

use std::hint::black_box;

use cookie_route::model::{
    FieldSchema, FieldShape, FilterOptions, ModelSchema, Shape, filter_shape_to_vec, filter_to_vec,
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Serialize;
use serde_json::{Value, json};

fn null() -> Value {
    Value::Null
}

fn ten_and_a_half() -> Value {
    json!(10.5)
}

fn empty_list() -> Value {
    json!([])
}

const fn required(name: &'static str, shape: fn() -> Shape) -> FieldSchema {
    FieldSchema { name, shape, default: None }
}

const fn optional(name: &'static str, shape: fn() -> Shape, default: fn() -> Value) -> FieldSchema {
    FieldSchema { name, shape, default: Some(default) }
}

// -------------------------------------------------------------------------------------------
// The small model: FastAPI's `UserIn` -> `UserOut`.

static USER_OUT: ModelSchema = ModelSchema {
    name: "UserOut",
    fields: &[
        required("username", <String as FieldShape>::shape),
        required("email", <String as FieldShape>::shape),
        optional("full_name", <Option<String> as FieldShape>::shape, null),
    ],
};

#[derive(Serialize)]
struct UserIn {
    username: String,
    password: String,
    email: String,
    full_name: Option<String>,
}

#[derive(Serialize)]
struct UserOut {
    username: String,
    email: String,
    full_name: Option<String>,
}

// -------------------------------------------------------------------------------------------
// The list: 1000 items, each with a nested owner and a list of nested images; the input types
// have extra fields at every depth.

fn owner_shape() -> Shape {
    Shape::Model(|| &OWNER_OUT)
}

fn image_shape() -> Shape {
    Shape::Model(|| &IMAGE_OUT)
}

static OWNER_OUT: ModelSchema = ModelSchema {
    name: "OwnerOut",
    fields: &[
        required("id", <u64 as FieldShape>::shape),
        required("name", <String as FieldShape>::shape),
        optional("email", <Option<String> as FieldShape>::shape, null),
    ],
};

static IMAGE_OUT: ModelSchema = ModelSchema {
    name: "ImageOut",
    fields: &[
        required("url", <String as FieldShape>::shape),
        required("name", <String as FieldShape>::shape),
    ],
};

static ITEM_OUT: ModelSchema = ModelSchema {
    name: "ItemOut",
    fields: &[
        required("id", <u64 as FieldShape>::shape),
        required("name", <String as FieldShape>::shape),
        optional("description", <Option<String> as FieldShape>::shape, null),
        required("price", <f64 as FieldShape>::shape),
        optional("tax", <f64 as FieldShape>::shape, ten_and_a_half),
        optional("tags", <Vec<String> as FieldShape>::shape, empty_list),
        required("in_stock", <bool as FieldShape>::shape),
        required("owner", owner_shape),
        optional("images", || Shape::List(image_shape), empty_list),
    ],
};

#[derive(Serialize, Clone)]
struct OwnerIn {
    id: u64,
    name: String,
    email: Option<String>,
    password_hash: String,
}

#[derive(Serialize, Clone)]
struct ImageIn {
    url: String,
    name: String,
    checksum: String,
}

#[derive(Serialize, Clone)]
struct ItemIn {
    id: u64,
    name: String,
    description: Option<String>,
    price: f64,
    tax: f64,
    internal_notes: String,
    tags: Vec<String>,
    in_stock: bool,
    owner: OwnerIn,
    images: Vec<ImageIn>,
    supplier_cost: f64,
}

#[derive(Serialize)]
struct OwnerOut {
    id: u64,
    name: String,
    email: Option<String>,
}

#[derive(Serialize)]
struct ImageOut {
    url: String,
    name: String,
}

#[derive(Serialize)]
struct ItemOut {
    id: u64,
    name: String,
    description: Option<String>,
    price: f64,
    tax: f64,
    tags: Vec<String>,
    in_stock: bool,
    owner: OwnerOut,
    images: Vec<ImageOut>,
}

fn items_in(count: u64) -> Vec<ItemIn> {
    (0..count)
        .map(|i| ItemIn {
            id: i,
            name: format!("Item number {i}"),
            description: (i % 3 != 0).then(|| format!("A fine item, the {i}th of its kind")),
            price: 10.0 + i as f64 * 0.25,
            tax: 10.5,
            internal_notes: "restock before Friday; margin is thin".to_owned(),
            tags: vec!["tools".to_owned(), format!("batch-{}", i % 7)],
            in_stock: i % 2 == 0,
            owner: OwnerIn {
                id: i % 17,
                name: format!("Owner {}", i % 17),
                email: (i % 5 != 0).then(|| format!("owner{}@example.com", i % 17)),
                password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g".to_owned(),
            },
            images: (0..i % 3)
                .map(|n| ImageIn {
                    url: format!("https://cdn.example.com/items/{i}/{n}.png"),
                    name: format!("view {n}"),
                    checksum: "9f86d081884c7d659a2feaa0c55ad015".to_owned(),
                })
                .collect(),
            supplier_cost: 7.5,
        })
        .collect()
}

fn item_out(item: &ItemIn) -> ItemOut {
    ItemOut {
        id: item.id,
        name: item.name.clone(),
        description: item.description.clone(),
        price: item.price,
        tax: item.tax,
        tags: item.tags.clone(),
        in_stock: item.in_stock,
        owner: OwnerOut {
            id: item.owner.id,
            name: item.owner.name.clone(),
            email: item.owner.email.clone(),
        },
        images: item
            .images
            .iter()
            .map(|image| ImageOut { url: image.url.clone(), name: image.name.clone() })
            .collect(),
    }
}

fn item_list_shape() -> Shape {
    Shape::List(|| Shape::Model(|| &ITEM_OUT))
}

fn small(c: &mut Criterion) {
    let user_in = UserIn {
        username: "johndoe".to_owned(),
        password: "correct horse battery staple".to_owned(),
        email: "johndoe@example.com".to_owned(),
        full_name: Some("John Doe".to_owned()),
    };
    let user_out = UserOut {
        username: user_in.username.clone(),
        email: user_in.email.clone(),
        full_name: user_in.full_name.clone(),
    };
    let options = FilterOptions::default();
    assert_eq!(
        filter_to_vec(&user_in, &USER_OUT, &options).unwrap(),
        serde_json::to_vec(&user_out).unwrap()
    );

    let mut group = c.benchmark_group("small_model");
    group.bench_function("serde_json::to_vec(UserOut)", |b| {
        b.iter(|| serde_json::to_vec(black_box(&user_out)).unwrap())
    });
    group.bench_function("filter_to_vec(UserIn as UserOut)", |b| {
        b.iter(|| filter_to_vec(black_box(&user_in), &USER_OUT, &options).unwrap())
    });
    // For scale: the filter's own cost, with no field to drop.
    group.bench_function("filter_to_vec(UserOut as UserOut)", |b| {
        b.iter(|| filter_to_vec(black_box(&user_out), &USER_OUT, &options).unwrap())
    });
    group.finish();
}

fn list(c: &mut Criterion) {
    let items_in = items_in(1000);
    let items_out: Vec<ItemOut> = items_in.iter().map(item_out).collect();
    let options = FilterOptions::default();
    let shape = item_list_shape();
    let direct = serde_json::to_vec(&items_out).unwrap();
    assert_eq!(filter_shape_to_vec(&items_in, shape, "list[ItemOut]", &options).unwrap(), direct);
    let as_value = serde_json::to_value(&items_in).unwrap();
    assert_eq!(filter_shape_to_vec(&as_value, shape, "list[ItemOut]", &options).unwrap(), direct);

    let mut group = c.benchmark_group("list_1000_nested");
    group.bench_function("serde_json::to_vec(Vec<ItemOut>)", |b| {
        b.iter(|| serde_json::to_vec(black_box(&items_out)).unwrap())
    });
    group.bench_function("filter_shape_to_vec(Vec<ItemIn> as list[ItemOut])", |b| {
        b.iter(|| {
            filter_shape_to_vec(black_box(&items_in), shape, "list[ItemOut]", &options).unwrap()
        })
    });
    // For scale: the same list as a `serde_json::Value` (map input: keys are looked up as
    // strings), as a handler returning `Value` would hand it over.
    group.bench_function("filter_shape_to_vec(Value as list[ItemOut])", |b| {
        b.iter(|| {
            filter_shape_to_vec(black_box(&as_value), shape, "list[ItemOut]", &options).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, small, list);
criterion_main!(benches);
