//! What every admin command shares: the store it works on, finding an
//! account by any login, the operator's name for the journal, dates, and
//! printing (`--json` or lines for people).

use crate::accounts;
use crate::app::{StartError, open_sql};
use crate::config::Config;
use crate::model::Account;
use crate::store::SqlStore;

/// The durable store for an admin command. The embedded database is
/// migrated on the spot; a production one must be migrated explicitly.
pub(super) async fn admin_store(config: &Config) -> anyhow::Result<SqlStore> {
    let sql = open_sql(config)?;
    let migrations = sql.migrations();
    let production = config.is_production();
    tokio::task::spawn_blocking(move || -> Result<(), StartError> {
        let pending = migrations.pending()?;
        if pending.is_empty() {
            return Ok(());
        }
        if production {
            return Err(StartError::PendingMigrations(pending.len()));
        }
        migrations.apply()?;
        Ok(())
    })
    .await??;
    Ok(sql)
}

pub(super) fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A `show` command's answer: JSON with `--json`, else the same as
/// indented `key: value` lines for people.
pub(super) fn print_shown(value: &impl serde::Serialize, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(value);
    }
    let mut out = String::new();
    text_lines(&serde_json::to_value(value)?, 0, &mut out);
    print!("{out}");
    Ok(())
}

fn text_lines(value: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    let scalar = |v: &Value| match v {
        Value::Null => Some("-".to_owned()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => Some("-".to_owned()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    };
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match scalar(v) {
                    Some(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        text_lines(v, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                match scalar(v) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        out.push_str(&format!("{pad}-\n"));
                        text_lines(v, indent + 2, out);
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}

/// A moment for the operator: `crate::dates` in English.
pub(super) fn date(unix: i64) -> String {
    crate::dates::date_time(unix, crate::model::Lang::En)
}

/// The operator's name, trimmed; refused when empty.
pub(super) fn operator(name: &str) -> anyhow::Result<&str> {
    match name.trim() {
        "" => anyhow::bail!("--operator must name the operator"),
        name => Ok(name),
    }
}

/// The account behind any login identifier (e-mail, phone, SNILS, INN), in
/// any common notation.
pub(super) async fn find_account(sql: &SqlStore, login: &str) -> anyhow::Result<Account> {
    accounts::find_by_login(sql, login)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with login `{login}`"))
}
