//! The tree's tests: parameter ranges, priorities, and random route sets against `matchit`
//! and against the rule of [`PathPattern`] applied one pattern at a time.

use super::*;

/// A tree of `patterns`, each the value of its own shape (the first of a shape wins).
fn tree<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Tree<String> {
    let mut tree = Tree::new();
    for source in patterns {
        let pattern = PathPattern::parse(source).unwrap();
        let _ = tree.insert(&pattern, source.to_owned());
    }
    tree
}

/// What `tree` finds for `path`: the pattern and the parameters' byte ranges.
fn ours(tree: &Tree<String>, path: &str) -> Option<(String, Vec<(u32, u32)>)> {
    let mut params = Params::default();
    let found = tree.find(path, &mut params)?;
    Some((found.clone(), params.to_vec()))
}

/// The parameters' values in `path`.
fn values<'p>(path: &'p str, params: &[(u32, u32)]) -> Vec<&'p str> {
    params.iter().map(|&(s, e)| &path[s as usize..e as usize]).collect()
}

/// What `tree` answers for `path`: the pattern and the parameter values, or `404`.
fn answer(tree: &Tree<String>, path: &str) -> String {
    match ours(tree, path) {
        Some((pattern, params)) => format!("{pattern} {:?}", values(path, &params)),
        None => "404".to_owned(),
    }
}

#[test]
fn params_spill_past_the_inline_ones_in_order() {
    let mut params = Params::default();
    assert!(params.is_empty());
    let ranges: Vec<(u32, u32)> = (0..7).map(|i| (i, i + 1)).collect();
    for (n, &range) in ranges.iter().enumerate() {
        params.push(range);
        assert_eq!(&params[..], &ranges[..=n]);
    }
    for n in (0..ranges.len()).rev() {
        params.pop();
        assert_eq!(&params[..], &ranges[..n]);
    }
    params.push((9, 9));
    assert_eq!(&params[..], &[(9, 9)]);
}

#[test]
fn find_gives_each_parameter_its_range() {
    let tree = tree(["/a/{b}/{c}/{d}/{e}/{f}", "/items/{id}", "/items"]);
    let path = "/a/1/22/333/4444/55555";
    let (pattern, params) = ours(&tree, path).unwrap();
    assert_eq!(pattern, "/a/{b}/{c}/{d}/{e}/{f}");
    assert_eq!(values(path, &params), ["1", "22", "333", "4444", "55555"]);
    assert_eq!(ours(&tree, "/items/7").unwrap().1, [(7, 8)]);
    assert!(ours(&tree, "/items").unwrap().1.is_empty());
}

#[test]
fn find_pushes_after_what_params_holds_and_leaves_it_without_a_match() {
    let tree = tree(["/items/{id}"]);
    let mut params = Params::default();
    params.push((0, 1));
    assert!(tree.find("/items/7/x", &mut params).is_none());
    assert_eq!(&params[..], &[(0, 1)]);
    assert_eq!(tree.find("/items/7", &mut params).map(String::as_str), Some("/items/{id}"));
    assert_eq!(&params[..], &[(0, 1), (7, 8)]);
}

#[test]
fn backtracking_drops_the_parameters_it_took() {
    let tree = tree(["/{a}/{b}/{c}/{d}/{e}/x", "/{a}/{b}/{c}/{d}/{*rest}"]);
    let path = "/1/2/3/4/5/y";
    let (pattern, params) = ours(&tree, path).unwrap();
    assert_eq!(pattern, "/{a}/{b}/{c}/{d}/{*rest}");
    assert_eq!(values(path, &params), ["1", "2", "3", "4", "5/y"]);
}

#[test]
fn a_shape_has_one_value() {
    let p = |s| PathPattern::parse(s).unwrap();
    let mut tree = Tree::new();
    assert!(tree.is_empty());
    assert_eq!(tree.insert(&p("/items/{id}"), 1), Ok(&mut 1));
    assert_eq!(tree.insert(&p("/items/{item_id}"), 2), Err(2));
    assert_eq!(tree.insert(&p("/"), 3), Ok(&mut 3));
    assert_eq!(tree.insert(&p("/"), 4), Err(4));
    assert_eq!(tree.insert(&p("/s/{*rest}"), 5), Ok(&mut 5));
    assert_eq!(tree.insert(&p("/s/{*path}"), 6), Err(6));
    assert_eq!(tree.insert(&p("/items/{id}/"), 7), Ok(&mut 7));
    *tree.get_or_insert_with(&p("/items/{x}"), || 0) += 10;
    assert_eq!(*tree.get_or_insert_with(&p("/items"), || 8), 8);
    assert_eq!(tree.values().copied().collect::<Vec<_>>(), [11, 3, 5, 7, 8]);
    tree.values_mut().for_each(|v| *v *= 2);
    assert_eq!(tree.len(), 5);
    let mut params = Params::default();
    assert_eq!(tree.find("/items", &mut params), Some(&16));
    assert_eq!(tree.find("/items/x", &mut params), Some(&22));
}

#[test]
fn literal_segments_win_then_parameters_then_catch_alls() {
    let tree = tree([
        "/",
        "/items/{id}",
        "/items/new",
        "/items/{id}/",
        "/f/{x}/b",
        // matchit refuses a parameter and a catch-all in one place; the parameter wins.
        "/f/{*rest}",
        "/s/{*rest}",
        "/{first}/x",
        "/a/b/c",
    ]);
    let cases = [
        ("/", "/ []"),
        ("", "404"),
        ("*", "404"),
        ("items/7", "404"),
        ("/items/new", "/items/new []"),
        ("/items/news", r#"/items/{id} ["news"]"#),
        ("/items/7", r#"/items/{id} ["7"]"#),
        ("/items/7/", r#"/items/{id}/ ["7"]"#),
        ("/items/", "404"),
        ("/items//", "404"),
        ("/items/%2F", r#"/items/{id} ["%2F"]"#),
        ("/items/{id}", r#"/items/{id} ["{id}"]"#),
        ("/items/x", r#"/items/{id} ["x"]"#),
        ("/a/x", r#"/{first}/x ["a"]"#),
        ("/a/b/x", "404"),
        ("/f/1/b", r#"/f/{x}/b ["1"]"#),
        ("/f/1", r#"/f/{*rest} ["1"]"#),
        ("/f/1/c", r#"/f/{*rest} ["1/c"]"#),
        ("/f/x", r#"/f/{*rest} ["x"]"#),
        ("/f/", "404"),
        ("/f", "404"),
        ("/s/", "404"),
        ("/s//", r#"/s/{*rest} ["/"]"#),
        ("/s/a//b/", r#"/s/{*rest} ["a//b/"]"#),
        ("/s/x", r#"/s/{*rest} ["x"]"#),
        ("/é/x", r#"/{first}/x ["é"]"#),
        ("//x", "404"),
    ];
    for (path, expected) in cases {
        assert_eq!(answer(&tree, path), expected, "{path:?}");
    }
}

/// xorshift64: a small deterministic generator for the randomized tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The literal segments of random patterns: few, so that patterns meet.
const LITERALS: &[&str] = &["a", "b", "ab", "a.b", "%2F", "*"];

/// Segments of random paths: the literals, and what no pattern has.
const PATH_SEGMENTS: &[&str] = &["a", "b", "ab", "a.b", "%2F", "*", "x", "", "é", "{a}", "a%20b"];

fn random_pattern(rng: &mut Rng) -> String {
    let len = rng.below(7);
    let mut pattern = String::new();
    for i in 0..len {
        pattern.push('/');
        match rng.below(10) {
            0..=5 => pattern.push_str(rng.pick(LITERALS)),
            6..=8 => pattern.push_str(&format!("{{p{i}}}")),
            _ => {
                pattern.push_str(&format!("{{*p{i}}}"));
                return pattern;
            }
        }
    }
    if pattern.is_empty() || rng.below(5) == 0 {
        pattern.push('/');
    }
    pattern
}

/// A path near `patterns[..]` (parameters and catch-alls filled in, sometimes with
/// values they do not take), or from the path alphabet alone.
fn random_path(rng: &mut Rng, patterns: &[PathPattern]) -> String {
    let mut path = String::new();
    if !patterns.is_empty() && rng.below(3) != 0 {
        let pattern = &patterns[rng.below(patterns.len())];
        for segment in pattern.segments() {
            path.push('/');
            match segment {
                Segment::Static(text) => path.push_str(text),
                Segment::Param(_) => path.push_str(rng.pick(PATH_SEGMENTS)),
                Segment::CatchAll(_) => {
                    for i in 0..rng.below(4) {
                        if i > 0 {
                            path.push('/');
                        }
                        path.push_str(rng.pick(PATH_SEGMENTS));
                    }
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        match rng.below(8) {
            0 => path.push('/'),
            1 => path.push_str("/a"),
            2 => {
                path.pop();
            }
            _ => {}
        }
    } else {
        if rng.below(10) != 0 {
            path.push('/');
        }
        for i in 0..rng.below(6) {
            if i > 0 {
                path.push('/');
            }
            path.push_str(rng.pick(PATH_SEGMENTS));
        }
    }
    path
}

/// The byte range of `value`, a slice of `path`.
fn range_in(path: &str, value: &str) -> (u32, u32) {
    let start = value.as_ptr() as usize - path.as_ptr() as usize;
    (u32::try_from(start).unwrap(), u32::try_from(start + value.len()).unwrap())
}

/// Whether `a` and `b` have a parameter and a catch-all in one place after the same
/// segments: matchit refuses that, we let the parameter win.
fn param_beside_catch_all(a: &PathPattern, b: &PathPattern) -> bool {
    for pair in a.segments().iter().zip(b.segments()) {
        match pair {
            (Segment::Static(x), Segment::Static(y)) if x == y => {}
            (Segment::Param(_), Segment::Param(_)) => {}
            (Segment::Param(_), Segment::CatchAll(_))
            | (Segment::CatchAll(_), Segment::Param(_)) => return true,
            _ => return false,
        }
    }
    false
}

/// Random route sets against `matchit` 0.9, which the runtime's route table used before:
/// every set matchit takes, we take, and every path gets the same answer. What matchit
/// refuses is a shape it already has, or a parameter beside a catch-all.
#[test]
fn lookups_agree_with_matchit() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut refused, mut found) = (0, 0);
    for _ in 0..3000 {
        let mut theirs = matchit::Router::new();
        let mut accepted: Vec<PathPattern> = Vec::new();
        for _ in 0..1 + rng.below(12) {
            let source = random_pattern(&mut rng);
            let pattern = PathPattern::parse(&source).unwrap();
            match theirs.insert(source.as_str(), accepted.len()) {
                Ok(()) => accepted.push(pattern),
                Err(e) => {
                    refused += 1;
                    assert!(
                        accepted
                            .iter()
                            .any(|a| a.conflicts_with(&pattern)
                                || param_beside_catch_all(a, &pattern)),
                        "matchit refused `{source}` after {accepted:?}: {e}"
                    );
                }
            }
        }
        let mut tree = Tree::new();
        for p in &accepted {
            tree.insert(p, p.as_str().to_owned())
                .unwrap_or_else(|e| panic!("`{e}` refused in {accepted:?}"));
        }
        for _ in 0..40 {
            let path = random_path(&mut rng, &accepted);
            let expected = theirs.at(&path).ok().map(|m| {
                let ranges = m.params.iter().map(|(_, v)| range_in(&path, v)).collect();
                (accepted[*m.value].as_str().to_owned(), ranges)
            });
            found += usize::from(expected.is_some());
            assert_eq!(ours(&tree, &path), expected, "{path:?} in {accepted:?}");
        }
    }
    // The generator must reach both answers and matchit's refusals.
    assert!(refused > 1000 && found > 30_000, "refused {refused}, found {found}");
}

/// The rule of `PathPattern`, one pattern at a time: the parameter ranges if `pattern`
/// matches `path`.
fn matches(pattern: &PathPattern, path: &str) -> Option<Vec<(u32, u32)>> {
    let mut rest = Some(path.strip_prefix('/')?);
    let mut ranges = Vec::new();
    let root = [Segment::Static(String::new())];
    let segments = if pattern.segments().is_empty() { &root[..] } else { pattern.segments() };
    for segment in segments {
        let here = rest?;
        let (text, next) = match here.split_once('/') {
            Some((text, next)) => (text, Some(next)),
            None => (here, None),
        };
        match segment {
            Segment::Static(literal) if text == literal => {}
            Segment::Param(_) if !text.is_empty() => ranges.push(range_in(path, text)),
            Segment::CatchAll(_) if !here.is_empty() => {
                ranges.push(range_in(path, here));
                return Some(ranges);
            }
            _ => return None,
        }
        rest = next;
    }
    rest.is_none().then_some(ranges)
}

/// Literal over parameter over catch-all, from the left.
fn rank(pattern: &PathPattern) -> Vec<u8> {
    let rank = |s: &Segment| match s {
        Segment::Static(_) => 2,
        Segment::Param(_) => 1,
        Segment::CatchAll(_) => 0,
    };
    if pattern.segments().is_empty() {
        vec![2]
    } else {
        pattern.segments().iter().map(rank).collect()
    }
}

/// Random route sets, including what matchit refused, against the rule of `PathPattern`
/// applied to each pattern in turn; a pattern is refused exactly when it conflicts with one
/// inserted before.
#[test]
fn lookups_follow_the_priority_rule() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..3000 {
        let mut tree = Tree::new();
        let mut patterns: Vec<PathPattern> = Vec::new();
        for _ in 0..1 + rng.below(12) {
            let pattern = PathPattern::parse(&random_pattern(&mut rng)).unwrap();
            let conflicts = patterns.iter().any(|p| p.conflicts_with(&pattern));
            let inserted = tree.insert(&pattern, pattern.as_str().to_owned()).is_ok();
            assert_eq!(inserted, !conflicts, "`{pattern}` after {patterns:?}");
            if inserted {
                patterns.push(pattern);
            }
        }
        for _ in 0..40 {
            let path = random_path(&mut rng, &patterns);
            let expected = patterns
                .iter()
                .filter_map(|p| Some((p, matches(p, &path)?)))
                .max_by_key(|(p, _)| rank(p))
                .map(|(p, ranges)| (p.as_str().to_owned(), ranges));
            assert_eq!(ours(&tree, &path), expected, "{path:?} in {patterns:?}");
        }
    }
}
