use super::en::EN;
use super::ru::RU;
use super::*;

#[test]
fn the_switch_comes_first_then_the_browser_as_at_the_provider_else_russian() {
    assert_eq!(pick(None, None, None), Lang::Ru);
    assert_eq!(pick(None, None, Some("en-GB,en;q=0.9")), Lang::En);
    // The first of Russian and English wins, as at the provider.
    assert_eq!(pick(None, None, Some("de-DE,ru;q=0.9,en;q=0.8")), Lang::Ru);
    assert_eq!(pick(None, None, Some("fr, EN-us;q=0.5")), Lang::En);
    assert_eq!(pick(None, None, Some("de-DE")), Lang::Ru);
    // The cookie of an earlier choice beats the browser; the switch beats both.
    assert_eq!(pick(None, Some("ru"), Some("en-GB")), Lang::Ru);
    assert_eq!(pick(None, Some("en"), Some("ru-RU")), Lang::En);
    assert_eq!(pick(Some("en"), Some("ru"), Some("ru-RU")), Lang::En);
    // An unknown tag is no choice.
    assert_eq!(pick(Some("de"), Some("xx"), Some("en")), Lang::En);
}

#[test]
fn roles_are_the_providers_one_word_each() {
    let ru: Vec<&str> = [Role::Admin, Role::Manager, Role::Specialist]
        .into_iter()
        .map(|r| RU.role(&r))
        .collect();
    assert_eq!(ru, ["администратор", "руководитель", "сотрудник"]);
    assert_eq!(
        EN.roles_or(&[Role::Manager, Role::Admin]),
        "“manager” or “administrator”"
    );
    assert_eq!(
        RU.roles_or(&[Role::Manager, Role::Admin]),
        "«руководитель» или «администратор»"
    );
}
