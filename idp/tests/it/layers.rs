//! The layering of `idp/src`, read from its `crate::` and `super::` paths:
//! no import circle between top-level modules, the composition root
//! (`app`) imported only from above it (`main`, `cli`; the tests too, from
//! outside `src`), and no source file over 600 lines. Code compiled only
//! for tests (`#[cfg(test)]` modules and the files they declare) may
//! import anything. Each check is first shown to find its fault in a small
//! made-up tree, so a check that went blind would fail here too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a source file may be.
const MAX_LINES: usize = 600;
/// The modules that may import `app`.
const ABOVE_THE_ROOT: [&str; 3] = ["main", "lib", "cli"];

/// What the check found wrong; empty when the tree is in order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Findings {
    /// Each circle: the top-level modules that import each other.
    circles: Vec<Vec<String>>,
    /// Modules below the composition root that import `app`.
    app_importers: Vec<String>,
    /// Files over [`MAX_LINES`], with their lines.
    long_files: Vec<(String, usize)>,
}

impl Findings {
    fn is_empty(&self) -> bool {
        *self == Findings::default()
    }
}

/// The `.rs` files under `dir`, as paths relative to `root`, with their
/// text.
fn read_tree(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            files.insert(path.strip_prefix(root).unwrap().to_owned(), text);
        }
    }
}

/// The module a file holds: `a/b/mod.rs` and `a/b.rs` are `[a, b]`;
/// `lib.rs` and `main.rs` are the crate's root.
fn module_of(file: &Path) -> Vec<String> {
    let mut path: Vec<String> = file
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = path.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    let at_root = path.is_empty() && (stem == "lib" || stem == "main");
    if stem != "mod" && !at_root {
        path.push(stem.to_owned());
    }
    path
}

/// The top-level module a file belongs to (`lib`, `main` for those two).
fn top_of(file: &Path) -> String {
    let first = file.iter().next().unwrap().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `text` without line comments.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code built without tests, and the names of the modules it declares
/// for tests only (`#[cfg(test)] mod tests;`). An item under
/// `#[cfg(test)]` other than such a declaration is taken to run to the end
/// of the file, as test modules do.
fn non_test_code(text: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut code = String::new();
    let mut test_modules = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        code.push_str(&rest[..at]);
        let after = rest[at + MARK.len()..].trim_start();
        let declared = after
            .strip_prefix("pub ")
            .unwrap_or(after)
            .strip_prefix("mod ")
            .and_then(|m| m.split_once(';'))
            .filter(|(name, _)| name.trim().chars().all(is_ident));
        match declared {
            Some((name, tail)) => {
                test_modules.push(name.trim().to_owned());
                rest = tail;
            }
            None => return (code, test_modules),
        }
    }
    code.push_str(rest);
    (code, test_modules)
}

/// The leading identifier of `text`, if any.
fn ident(text: &str) -> Option<&str> {
    let end = text.find(|c| !is_ident(c)).unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// The first segments a `{…}` group names: `{a, b::c, d::{e}}` names a, b, d.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let (mut depth, mut start) = (0, true);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 1 => start = true,
            c if start && depth == 1 && is_ident(c) => {
                heads.extend(ident(&group[at..]).map(str::to_owned));
                start = false;
            }
            c if !c.is_whitespace() && depth == 1 => start = false,
            _ => {}
        }
        if depth == 0 && at > 0 {
            break;
        }
    }
    heads
}

/// The top-level modules `code`, in the module `module`, names by
/// `crate::` or `super::` paths.
fn imports(code: &str, module: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let preceded = code[..at].chars().next_back();
        let starts_path = !preceded.is_some_and(|c| is_ident(c) || c == ':');
        let (base, len) = if starts_path && rest.starts_with("crate::") {
            (Some(Vec::new()), "crate::".len())
        } else if starts_path && rest.starts_with("super::") {
            let mut len = 0;
            let mut base = module.to_vec();
            while code[at + len..].starts_with("super::") {
                len += "super::".len();
                base.pop();
            }
            (Some(base), len)
        } else {
            (None, rest.chars().next().map_or(1, char::len_utf8))
        };
        at += len;
        let Some(base) = base else { continue };
        let tail = &code[at..];
        let named: Vec<String> = match base.first() {
            Some(top) => vec![top.clone()],
            None if tail.starts_with('{') => group_heads(tail),
            None => ident(tail).map(str::to_owned).into_iter().collect(),
        };
        found.extend(named);
    }
    found
}

/// The strongly connected components of more than one module.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Each module with every module it reaches; a circle is a set of
    // modules that reach each other.
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut circles: BTreeSet<Vec<String>> = BTreeSet::new();
    for (m, reached) in &reaches {
        if !reached.contains(*m) {
            continue;
        }
        let circle: Vec<String> = reached
            .iter()
            .filter(|other| reaches.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        circles.insert(circle);
    }
    circles.into_iter().collect()
}

/// Checks the tree of sources under `root`.
fn check(root: &Path) -> Findings {
    let mut files = BTreeMap::new();
    read_tree(root, root, &mut files);
    let tops: BTreeSet<String> = files.keys().map(|f| top_of(f)).collect();
    let mut findings = Findings::default();
    let mut test_only: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Two rounds: every file's test-only modules are known before any
    // file's imports are counted.
    let mut parsed = BTreeMap::new();
    for (file, text) in &files {
        let lines = text.matches('\n').count();
        if lines > MAX_LINES {
            findings
                .long_files
                .push((file.to_string_lossy().into_owned(), lines));
        }
        let module = module_of(file);
        let (code, tests) = non_test_code(&without_comments(text));
        for name in tests {
            let mut child = module.clone();
            child.push(name);
            test_only.insert(child);
        }
        parsed.insert(file.clone(), (module, code));
    }
    for (file, (module, code)) in &parsed {
        if (1..=module.len()).any(|n| test_only.contains(&module[..n])) {
            continue;
        }
        let top = top_of(file);
        let targets: Vec<String> = imports(code, module)
            .into_iter()
            .filter(|t| *t != top && tops.contains(t))
            .collect();
        edges.entry(top).or_default().extend(targets);
    }
    findings.circles = circles(&edges);
    findings.app_importers = edges
        .iter()
        .filter(|(m, to)| to.contains("app") && !ABOVE_THE_ROOT.contains(&m.as_str()))
        .map(|(m, _)| m.clone())
        .collect();
    findings
}

/// A made-up source tree: each `(path, text)` written under a new folder.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn the_check_finds_circles_through_any_kind_of_path() {
    let found = check(
        tree(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod d;\n"),
            ("a/mod.rs", "pub mod inner;\n"),
            // A nested group names `b` (the `c` inside it is b's).
            ("a/inner.rs", "use crate::{b::{c, d}, model};\n"),
            ("b.rs", "fn f() { super::c::run() }\n"),
            ("c/mod.rs", "pub fn run() { crate::a::inner::go() }\n"),
            ("d.rs", "// crate::a in a comment is no import\n"),
        ])
        .path(),
    );
    assert_eq!(found.circles, [["a", "b", "c"]], "{found:?}");
    assert!(found.app_importers.is_empty() && found.long_files.is_empty());
}

#[test]
fn the_check_lets_test_code_import_anything_and_nothing_else() {
    let upward = "use crate::high::Thing;\n";
    let found = check(
        tree(&[
            ("high.rs", "use crate::low::Base;\n"),
            ("low/mod.rs", "#[cfg(test)]\nmod tests;\npub struct Base;\n"),
            ("low/tests.rs", upward),
            (
                "low/more.rs",
                "#[cfg(test)]\nmod tests {\n    use crate::high::Thing;\n}\n",
            ),
        ])
        .path(),
    );
    assert!(found.is_empty(), "{found:?}");
    let found = check(
        tree(&[
            ("high.rs", "use crate::low::Base;\n"),
            ("low/mod.rs", "#[cfg(test)]\nmod tests;\npub struct Base;\n"),
            ("low/real.rs", upward),
        ])
        .path(),
    );
    assert_eq!(found.circles, [["high", "low"]]);
}

#[test]
fn the_check_finds_app_below_the_root_and_long_files() {
    let long = "fn f() {}\n".repeat(MAX_LINES + 1);
    let found = check(
        tree(&[
            ("main.rs", "use crate::app;\n"),
            ("cli/mod.rs", "use crate::app::build;\n"),
            ("app.rs", "use crate::domain;\n"),
            ("domain/mod.rs", "fn f() { let _ = crate::app::build; }\n"),
            ("domain/long.rs", &long),
        ])
        .path(),
    );
    assert_eq!(found.app_importers, ["domain"]);
    assert_eq!(found.circles, [["app", "domain"]]);
    assert_eq!(
        found.long_files,
        [(String::from("domain/long.rs"), MAX_LINES + 1)]
    );
}

#[test]
fn idp_has_no_import_circle_no_app_below_the_root_and_no_long_file() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = check(&src);
    assert!(
        found.is_empty(),
        "idp/src breaks its layering: {found:#?}\n(circles: top-level modules \
         that import each other; app_importers: modules below the composition \
         root that import app.rs; long_files: over {MAX_LINES} lines)"
    );
}
