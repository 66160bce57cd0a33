//! Architecture test: top-level modules depend on each other one way only, from higher layers
//! down to lower ones. Reads `src/` as text with a small scanner, so it needs no crates.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::Path;

/// Every top-level module and its layer. A module may use modules in its own layer or below.
#[rustfmt::skip]
const LAYERS: &[(&str, u32)] = &[
    // 0: leaves that use no other module: errors, the data contract, formatting, CSV, RNG, text,
    // files written whole.
    ("error", 0), ("contract", 0), ("format", 0), ("csv", 0), ("rng", 0), ("text", 0),
    ("file", 0), ("config", 0),
    // 1: the DuckDB file, its schema and SQL.
    ("db", 1),
    // 2: the health model and scoring.
    ("model", 2),
    // 3: what is built from scores and data: reports, vendor imports, plays, sample data.
    ("report", 3), ("import", 3), ("plays", 3), ("sample", 3), ("sample_data", 3),
    // 4: the console's pure state and update.
    ("app", 4),
    // 5: rendering of that state.
    ("ui", 5),
    // 6: the database worker and the console benchmark, which drive `app` and `ui`.
    ("worker", 6), ("bench", 6),
    // 7: the terminal event loop.
    ("tui", 7),
    // 8: the command line.
    ("cli", 8),
    // 9: one function per subcommand, on top of everything.
    ("commands", 9),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

fn describe(module: &str) -> String {
    match layer(module) {
        Some(l) => format!("{module} (layer {l})"),
        None => format!("{module} (no layer)"),
    }
}

/// A reference from one top-level module to another, with the message naming where it is.
struct Ref {
    from: String,
    to: String,
    message: String,
}

/// The crate's top-level modules (each with the first file found for it) and every
/// reference between two different ones, in file and line order.
fn scan() -> (BTreeMap<String, String>, Vec<Ref>) {
    let mut files = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&src, "src", &mut files);
    files.sort();
    let mut modules = BTreeMap::new();
    for (rel, _) in &files {
        if let Some(m) = top_module(rel) {
            modules
                .entry(m.to_string())
                .or_insert_with(|| format!("{rel}:1"));
        }
    }
    let mut refs = Vec::new();
    for (rel, text) in &files {
        let Some(from) = top_module(rel) else {
            continue;
        };
        for (line, to) in references(text, super_levels(rel)) {
            // Names that are not modules, like `crate::run`, are items of the crate root.
            if to != from && modules.contains_key(to) {
                let message = format!("{rel}:{line}: {} imports {}", describe(from), describe(to));
                let (from, to) = (from.to_string(), to.to_string());
                refs.push(Ref { from, to, message });
            }
        }
    }
    (modules, refs)
}

/// Every `.rs` file under `dir` as (its path from the crate's directory, its text).
fn rust_files(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let rel = format!("{rel}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            rust_files(&entry.path(), &rel, out);
        } else if entry.path().extension().is_some_and(|e| e == "rs") {
            out.push((rel, fs::read_to_string(entry.path()).unwrap()));
        }
    }
}

/// `src/foo.rs` and `src/foo/**.rs` belong to `foo`; the crate roots belong to no module.
fn top_module(rel: &str) -> Option<&str> {
    match rel.strip_prefix("src/")?.split('/').next()? {
        "lib.rs" | "main.rs" => None,
        first => Some(first.trim_end_matches(".rs")),
    }
}

/// How many `super::` climb from a file's top to the crate root: 1 in `src/foo.rs` and
/// `src/foo/mod.rs`, 2 in `src/foo/bar.rs`.
fn super_levels(rel: &str) -> usize {
    rel.split('/').count() - 1 - usize::from(rel.ends_with("/mod.rs"))
}

/// Identifier and punctuation tokens with their 1-based lines. Comments, strings and char
/// literals are dropped so that paths written in them are never read as code.
fn tokens(src: &str) -> Vec<(usize, &str)> {
    let b = src.as_bytes();
    let word = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    while i < b.len() {
        let start = i;
        if b[i..].starts_with(b"//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if b[i..].starts_with(b"/*") {
            // Block comments nest.
            let mut depth = 0;
            while i < b.len() {
                match &b[i..b.len().min(i + 2)] {
                    b"/*" => (depth, i) = (depth + 1, i + 2),
                    b"*/" => (depth, i) = (depth - 1, i + 2),
                    _ => i += 1,
                }
                if depth == 0 {
                    break;
                }
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = b.len().min(i + 1);
        } else if b[i] == b'\'' {
            // A char literal closes within one (possibly escaped) character; a lifetime does not.
            i += match src[i + 1..].chars().next() {
                Some('\\') => src
                    .get(i + 3..)
                    .and_then(|s| s.find('\''))
                    .map_or(b.len() - i, |n| n + 4),
                Some(c) if b.get(i + 1 + c.len_utf8()) == Some(&b'\'') => c.len_utf8() + 2,
                _ => 1,
            };
        } else if word(b[i]) {
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
            if matches!(&src[start..i], "r" | "br" | "cr") && b.get(i + hashes) == Some(&b'"') {
                // Raw string: ends at a quote followed by as many `#` as it opened with.
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + hashes + 1;
                i = src[body..]
                    .find(&close)
                    .map_or(b.len(), |n| body + n + close.len());
            } else {
                out.push((line, &src[start..i]));
            }
        } else {
            let c = src[i..].chars().next().unwrap();
            // `::` is one token: paths are read as `name`, `::`, `name`.
            i += c.len_utf8() + usize::from(b[i..].starts_with(b"::"));
            if !c.is_whitespace() {
                out.push((line, &src[start..i]));
            }
        }
        line += src[start..i].matches('\n').count();
    }
    out
}

/// What an open `{` means for paths inside it.
#[derive(PartialEq)]
enum Brace {
    /// The body of an inline `mod x { }`: one more `super` to reach the root inside it.
    Mod,
    /// `crate::{ }`, or `super::{ }` reaching the root: each item in it starts with a module.
    RootGroup,
    Other,
}

/// Top-level modules named in one file, with their lines: `crate::x`, `crate::{x, y::z}`, and
/// `super::x` where the `super`s climb exactly to the crate root (`levels` of them from the
/// file's top, plus one per inline `mod` it sits in).
fn references(src: &str, levels: usize) -> Vec<(usize, &str)> {
    let toks = tokens(src);
    // The token `back` places before token `k`, or "" before the start.
    let tok = |k: usize, back: usize| k.checked_sub(back).map_or("", |j| toks[j].1);
    // Whether the path before token `k` leads to the crate root.
    let after_root = |k: usize, mods: usize| {
        let step = |s: usize| tok(k, 2 * s) == "super" && tok(k, 2 * s - 1) == "::";
        let supers = (1..=k / 2).take_while(|&s| step(s)).count();
        let whole_path = tok(k, 2 * supers + 1) != "::";
        tok(k, 1) == "::" && (tok(k, 2) == "crate" || supers == levels + mods && whole_path)
    };
    let is_ident = |t: &str| t.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic());
    let (mut braces, mut found) = (Vec::new(), Vec::new());
    for (k, &(line, t)) in toks.iter().enumerate() {
        let mods = braces.iter().filter(|&b| *b == Brace::Mod).count();
        let in_group = braces.last() == Some(&Brace::RootGroup);
        match t {
            "{" if tok(k, 2) == "mod" => braces.push(Brace::Mod),
            "{" if after_root(k, mods) => braces.push(Brace::RootGroup),
            "{" => braces.push(Brace::Other),
            "}" => drop(braces.pop()),
            "self" | "super" => {}
            _ if is_ident(t)
                && (after_root(k, mods) || in_group && matches!(tok(k, 1), "{" | ",")) =>
            {
                found.push((line, t));
            }
            _ => {}
        }
    }
    // One entry per module per line.
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn no_upward_imports() {
    let (_, refs) = scan();
    let upward: Vec<String> = refs
        .iter()
        .filter(|r| matches!((layer(&r.from), layer(&r.to)), (Some(a), Some(b)) if b > a))
        .map(|r| r.message.clone())
        .collect();
    assert_none(&upward, "import(s) from a higher layer");
}

#[test]
fn no_cycles_between_top_level_modules() {
    let (_, refs) = scan();
    // One place each edge occurs, to show in the message.
    let mut edges = Edges::new();
    for r in &refs {
        edges.entry((&r.from, &r.to)).or_insert(r);
    }
    // The shortest cycle through each edge, rotated to start at its least module so each
    // cycle is reported once.
    let mut cycles = BTreeSet::new();
    for &(a, b) in edges.keys() {
        // A path b → … → a closes into a cycle through the edge a → b.
        if let Some(mut cycle) = shortest_path(&edges, b, a) {
            let least = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap();
            cycle.rotate_left(least);
            cycle.push(cycle[0]);
            cycles.insert(cycle);
        }
    }
    let report: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let steps = cycle
                .windows(2)
                .map(|w| format!("\n  {}", edges[&(w[0], w[1])].message));
            format!("{}{}", cycle.join(" → "), steps.collect::<String>())
        })
        .collect();
    assert_none(&report, "cycle(s) between top-level modules");
}

type Edges<'a> = BTreeMap<(&'a str, &'a str), &'a Ref>;

/// Breadth-first: the modules on a shortest path from `from` to `to`, both included.
fn shortest_path<'a>(edges: &Edges<'a>, from: &'a str, to: &'a str) -> Option<Vec<&'a str>> {
    let mut seen = BTreeSet::from([from]);
    let mut queue = VecDeque::from([vec![from]]);
    while let Some(path) = queue.pop_front() {
        let last = path[path.len() - 1];
        if last == to {
            return Some(path);
        }
        for &(_, next) in edges.keys().filter(|e| e.0 == last) {
            if seen.insert(next) {
                queue.push_back([&path[..], &[next]].concat());
            }
        }
    }
    None
}

/// Fails listing every violation, one per line.
#[track_caller]
fn assert_none(violations: &[String], what: &str) {
    let (n, list) = (violations.len(), violations.join("\n"));
    assert!(n == 0, "{n} {what}:\n{list}");
}

#[test]
fn every_module_has_a_layer() {
    // References only count names that are modules under `src/`, so this covers them too.
    let (modules, _) = scan();
    let missing: Vec<String> = modules
        .iter()
        .filter(|(m, _)| layer(m).is_none())
        .map(|(m, at)| format!("{at}: {m} has no layer; add it to LAYERS in tests/layers.rs"))
        .collect();
    assert_none(&missing, "top-level module(s) without a layer");
}

#[test]
fn scanner_reads_braced_multi_line_use() {
    let src =
        "pub use crate::{\n    db::{self, Db},\n    error::{Error, Result},\n    Thing,\n};\n";
    assert_eq!(references(src, 1), [(2, "db"), (3, "error"), (4, "Thing")]);
}

#[test]
fn scanner_reads_inline_paths() {
    let src = "fn f() -> crate::model::Model {\n    crate::db::open(crate::text::norm(\"x\"))\n}";
    assert_eq!(references(src, 1), [(1, "model"), (2, "db"), (2, "text")]);
}

#[test]
fn scanner_ignores_strings_and_comments() {
    let src = r##"
// crate::a::f();
/// crate::b::f();
//! crate::c::f();
/* crate::d /* nested */ crate::e */
let s = "crate::f \" crate::g";
let r = r#"crate::h " crate::i"#;
let c = ('"', '\'', b'"');
fn f<'a>(x: &'a str) -> &'a str { crate::j::f(x) }
"##;
    assert_eq!(references(src, 1), [(9, "j")]);
}

#[test]
fn scanner_reads_super_that_reaches_the_crate_root() {
    let src = "use super::{db, error::Error};\nsuper::super::model::f();\nmod tests {\n    use super::helper;\n    use super::super::x;\n}";
    assert_eq!(references(src, 1), [(1, "db"), (1, "error"), (5, "x")]);
    assert_eq!(references(src, 2), [(2, "model")]);
}

#[test]
fn files_map_to_top_level_modules() {
    assert_eq!(top_module("src/db/console.rs"), Some("db"));
    assert_eq!(top_module("src/text.rs"), Some("text"));
    assert_eq!(top_module("src/lib.rs"), None);
    assert_eq!(super_levels("src/text.rs"), 1);
    assert_eq!(super_levels("src/db/mod.rs"), 1);
    assert_eq!(super_levels("src/db/console.rs"), 2);
}
