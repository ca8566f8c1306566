//! How the walk reads a page: the text a person reads (without data
//! marked as such), `<html lang>`, and the other language in it.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Node, Selector};

use super::Lang;
use crate::harness::Page;

/// The pages seen and what is wrong with them.
pub struct Walk {
    pub lang: Lang,
    english_words: BTreeSet<String>,
    seen: usize,
    wrong: Vec<String>,
}

impl Walk {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            english_words: english_words(),
            seen: 0,
            wrong: Vec::new(),
        }
    }

    /// Reads `page`, which must be at `path` with `status`.
    pub fn see(&mut self, what: &str, page: &Page, path: &str, status: u16) {
        let at = (page.url.path(), page.status.as_u16());
        if at != (path, status) {
            let main = page.body.split("<main>").nth(1).unwrap_or(&page.body);
            let main = main.chars().take(300).collect::<String>();
            self.wrong
                .push(format!("{what}: at {at:?}, not ({path}, {status}): {main}"));
        }
        self.seen += 1;
        let html = Html::parse_document(&page.body);
        let root = html.root_element();
        let lang = root.value().attr("lang").unwrap_or_default();
        if lang != self.lang.code() {
            self.wrong
                .push(format!("{what} ({path}): <html lang=\"{lang}\">"));
        }
        if let Some(dead_end) = dead_end(&html) {
            self.wrong.push(format!("{what} ({path}): {dead_end}"));
        }
        let mut texts = Vec::new();
        read(root, self.lang.code(), &mut texts);
        for text in texts {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let bad = match self.lang {
                Lang::En => text.chars().any(is_cyrillic),
                Lang::Ru => english_in(&text, &self.english_words).is_some(),
            };
            if bad {
                self.wrong.push(format!("{what} ({path}): «{text}»"));
            }
        }
    }

    /// Reads a page reached by a redirect at `path` with 200.
    pub fn ok(&mut self, what: &str, page: &Page, path: &str) {
        self.see(what, page, path, 200);
    }

    pub fn verdict(self) {
        assert!(self.seen >= 50, "the walk saw only {} pages", self.seen);
        assert!(
            self.wrong.is_empty(),
            "{} texts not in {:?} on {} pages:\n{}",
            self.wrong.len(),
            self.lang,
            self.seen,
            self.wrong.join("\n")
        );
    }
}

/// Why a page is a dead end, if it is: every page offers a next step, a
/// link or a button; an error page (one with a support code) a link, since
/// its only form, if any, is what failed.
fn dead_end(html: &Html) -> Option<&'static str> {
    let any = |css: &str| html.select(&Selector::parse(css).unwrap()).next().is_some();
    let link = any("a[href]");
    let button = any("button, input[type=submit]");
    match (link, button, any("#support-code")) {
        (false, _, true) => Some("an error page without a link forward"),
        (false, false, _) => Some("no link or button forward"),
        _ => None,
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// The text a person reads in `element`: text nodes and the attributes
/// shown or spoken (`title`, `alt`, `placeholder`, `aria-label`, and the
/// `data-text-*` a script shows), without scripts, styles, images, and
/// elements marked as data (`translate="no"`, or another `lang`).
fn read(element: ElementRef<'_>, lang: &str, out: &mut Vec<String>) {
    let e = element.value();
    if matches!(e.name(), "script" | "style" | "svg") || e.attr("translate") == Some("no") {
        return;
    }
    if e.attr("lang").is_some_and(|l| l != lang) {
        return;
    }
    for (name, value) in e.attrs() {
        if matches!(name, "title" | "alt" | "placeholder" | "aria-label")
            || name.starts_with("data-text")
        {
            out.push(value.to_owned());
        }
    }
    if e.name() == "input" && matches!(e.attr("type"), Some("submit" | "button")) {
        out.extend(e.attr("value").map(str::to_owned));
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) if !text.trim().is_empty() => out.push(text.to_string()),
            Node::Element(_) => read(ElementRef::wrap(child).unwrap(), lang, out),
            _ => {}
        }
    }
}

/// The first word of the English catalogue in `text`, leaving out e-mail
/// addresses, URLs and paths (a Russian page may show them).
fn english_in<'a>(text: &'a str, english: &BTreeSet<String>) -> Option<&'a str> {
    text.split_whitespace()
        .filter(|token| !token.contains('@') && !token.contains('/'))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .find(|word| word.len() >= 3 && english.contains(&word.to_ascii_lowercase()))
}

/// The Latin words of the English texts of the page catalogue (the string
/// literals under `src/http/i18n`), less the Latin words its Russian texts
/// use too («SMS-коды», «PKCS#8»).
fn english_words() -> BTreeSet<String> {
    let catalogue = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http/i18n");
    let mut files = Vec::new();
    let mut dirs = vec![catalogue];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let (mut english, mut russian) = (BTreeSet::new(), BTreeSet::new());
    for file in files {
        let source = std::fs::read_to_string(file).unwrap();
        for literal in literals(&source) {
            let words = words(&literal);
            if literal.chars().any(is_cyrillic) {
                russian.extend(words);
            } else {
                english.extend(words);
            }
        }
    }
    assert!(english.len() > 300, "only {} English words", english.len());
    english.difference(&russian).cloned().collect()
}

/// The Latin words (3 letters or more) of a catalogue's literal, lower
/// case, without the placeholders of `format!` (`{since}`).
fn words(literal: &str) -> Vec<String> {
    let text: String = literal
        .split('{')
        .enumerate()
        .map(|(i, part)| match i {
            0 => part,
            _ => part.split_once('}').map_or(part, |(_, rest)| rest),
        })
        .collect();
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The string literals of Rust source, outside `//` comments.
fn literals(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut chars = code.chars();
        let mut current: Option<String> = None;
        while let Some(c) = chars.next() {
            match (&mut current, c) {
                (None, '"') => current = Some(String::new()),
                (Some(text), '\\') => {
                    chars.next();
                    text.push(' ');
                }
                (Some(_), '"') => found.extend(current.take()),
                (Some(text), c) => text.push(c),
                (None, '/') if chars.clone().next() == Some('/') => break,
                (None, _) => {}
            }
        }
    }
    found
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_find_the_other_language() {
        let english: BTreeSet<String> = ["password", "wrong"].map(String::from).into();
        assert_eq!(english_in("Неверный password", &english), Some("password"));
        assert_eq!(
            english_in("Почта wrong@example.ru, /password", &english),
            None
        );
        let page = r#"<html lang="en"><body><p>Hello <b lang="ru">Иванов</b></p><p translate="no">Кабинет</p><p title="Имя">x</p></body></html>"#;
        let mut texts = Vec::new();
        read(Html::parse_document(page).root_element(), "en", &mut texts);
        assert_eq!(texts, ["Hello ", "Имя", "x"]);
        assert!(literals(r#"let a = "one \"two\""; // "three""#) == ["one  two "]);
        assert_eq!(words("код (с {since}) PKCS#8"), ["pkcs"]);
        let page = |body: &str| Html::parse_document(body);
        assert!(dead_end(&page("<main><p>Страница не найдена.</p></main>")).is_some());
        let error =
            r#"<main><form><button>Ещё раз</button></form><code id="support-code">x</code></main>"#;
        assert!(dead_end(&page(error)).is_some());
        assert!(dead_end(&page(r#"<main><a href="/">На главную</a></main>"#)).is_none());
        assert!(dead_end(&page("<main><form><button>Войти</button></form></main>")).is_none());
    }
}
