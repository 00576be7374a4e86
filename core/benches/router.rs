//! Route lookup in tables of 10, 100 and 1000 routes, against `matchit` on the same routes.
//!
//! `cargo bench -p cookie-route-core --bench router`
//!
//! A table of `n` routes holds `/r{i}/items` and `/r{i}/items/{id}` for `i` below `n / 2`,
//! `i` written with four digits so that every table's paths have the same length. Each
//! lookup finds a route in the middle of the table (`i = n / 4`) and one near its end
//! (`i = n / 2 - 1`), static and with a parameter. Ours is the path tree the runtime's route
//! table is built on (`cookie_route_core::path::tree::Tree`, its values the patterns'
//! indices here); a lookup answers the value and the parameters' byte ranges in the path.
//! The runtime's method check on the leaf it finds (an index for GET, HEAD and POST) is not
//! in these rows. The `matchit` rows call `matchit::Router::at` and read the parameter
//! values, as any user of it does.

use std::hint::black_box;

use cookie_route_core::path::PathPattern;
use cookie_route_core::path::tree::{Params, Tree};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [10, 100, 1000];

fn patterns(n: usize) -> Vec<String> {
    (0..n / 2).flat_map(|i| [format!("/r{i:04}/items"), format!("/r{i:04}/items/{{id}}")]).collect()
}

fn lookup(c: &mut Criterion) {
    let tables: Vec<(usize, Tree<usize>, matchit::Router<usize>)> = SIZES
        .iter()
        .map(|&n| {
            let patterns = patterns(n);
            assert_eq!(patterns.len(), n);
            let mut ours = Tree::new();
            let mut theirs = matchit::Router::new();
            for (i, p) in patterns.iter().enumerate() {
                ours.insert(&PathPattern::parse(p).unwrap(), i).unwrap();
                theirs.insert(p.as_str(), i).unwrap();
            }
            (n, ours, theirs)
        })
        .collect();

    type Path = fn(usize) -> String;
    let cases: [(&str, Path); 4] = [
        ("static_end", |n| format!("/r{:04}/items", n / 2 - 1)),
        ("static_middle", |n| format!("/r{:04}/items", n / 4)),
        ("param_end", |n| format!("/r{:04}/items/12345", n / 2 - 1)),
        ("param_middle", |n| format!("/r{:04}/items/12345", n / 4)),
    ];
    for (case, path) in cases {
        let mut group = c.benchmark_group(format!("route_lookup_{case}"));
        for (n, ours, theirs) in &tables {
            let path = path(*n);
            let mut params = Params::default();
            let found = ours.find(&path, &mut params).unwrap();
            let matched = theirs.at(&path).unwrap();
            assert_eq!(found, matched.value);
            assert_eq!(params.len(), matched.params.len());
            group.bench_with_input(BenchmarkId::new("ours", n), &path, |b, path| {
                b.iter(|| {
                    let mut params = Params::default();
                    ours.find(black_box(path), &mut params).map(|&i| i + params.len())
                })
            });
            group.bench_with_input(BenchmarkId::new("matchit", n), &path, |b, path| {
                b.iter(|| {
                    theirs
                        .at(black_box(path))
                        .map(|m| *m.value + m.params.iter().map(|(_, v)| v.len()).sum::<usize>())
                        .ok()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, lookup);
criterion_main!(benches);
