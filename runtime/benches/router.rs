//! Route lookup in tables of 10, 100 and 1000 routes, against `matchit` on the same routes.
//!
//! `cargo bench -p cookie-route --bench router`
//!
//! A table of `n` routes holds `GET /r{i}/items` and `GET /r{i}/items/{id}` for `i` below
//! `n / 2`, `i` written with four digits so that every table's paths have the same length.
//! Each lookup finds a route in the middle of the table (`i = n / 4`) and one near its end
//! (`i = n / 2 - 1`), static and with a parameter. Ours is the crate-private table
//! (`__bench::Router`, not public API) and answers what dispatch needs: the route (after the
//! method) and the parameters' byte ranges in the path. The `matchit` rows call
//! `matchit::Router::at` and read the parameter values, as any user of it does.

use std::hint::black_box;

use cookie_route::__bench::Router;
use cookie_route::Method;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [10, 100, 1000];

fn patterns(n: usize) -> Vec<String> {
    (0..n / 2).flat_map(|i| [format!("/r{i:04}/items"), format!("/r{i:04}/items/{{id}}")]).collect()
}

fn lookup(c: &mut Criterion) {
    let tables: Vec<(usize, Router, matchit::Router<usize>)> = SIZES
        .iter()
        .map(|&n| {
            let patterns = patterns(n);
            assert_eq!(patterns.len(), n);
            let ours = Router::build(patterns.iter().map(|p| (Method::GET, p.as_str()))).unwrap();
            let mut theirs = matchit::Router::new();
            for (i, p) in patterns.iter().enumerate() {
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
            let (pattern, params) = ours.lookup(&Method::GET, &path).unwrap();
            let matched = theirs.at(&path).unwrap();
            assert_eq!(pattern, patterns(*n)[*matched.value]);
            assert_eq!(params.len(), matched.params.len());
            group.bench_with_input(BenchmarkId::new("ours", n), &path, |b, path| {
                b.iter(|| {
                    ours.lookup(&Method::GET, black_box(path)).map(|(p, v)| p.len() + v.len())
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
