//! The hash chain that makes the audit journal tamper-evident: the store
//! links each entry with it, `audit::verify` checks the links.
//!
//! Entry `seq` (1, 2, 3, … without gaps) stores
//! `hash = hex(SHA-256(canonical form))`, and the canonical form includes
//! `prev_hash`, the `hash` of entry `seq - 1` ([`GENESIS`] for entry 1).
//! Editing, deleting or moving an entry therefore breaks a hash or a link
//! that a later entry, or the journal head, still names.
//!
//! The canonical form is the compact JSON (no whitespace) of
//!
//! ```text
//! {"account_id":…,"at":…,"client_id":…,"detail":…,"event":…,"prev_hash":…,"request_id":…,"seq":…}
//! ```
//!
//! * the keys of every object, at any depth of `detail` too, sorted by their
//!   UTF-8 bytes;
//! * an absent account, client or request id is `null`; `at` (Unix seconds)
//!   and `seq` are decimal integers; `detail` is the JSON value itself, not
//!   a string holding it;
//! * strings are UTF-8 with only `"`, `\` and control characters escaped
//!   (`\b \f \n \r \t`, the others as `\u00xx`); numbers are integers, or
//!   floats in the shortest form that reads back the same (serde_json's
//!   compact output; close to, but not, RFC 8785);
//! * `hash` is the lowercase hex SHA-256 of that text's UTF-8 bytes.
//!
//! Anyone can recompute the chain from the stored rows with these rules;
//! there is no secret in it.

use serde_json::{Map, Value, json};

use crate::model::{AuditEvent, sha256_hex};

/// The `prev_hash` of entry 1, and the head of an empty journal.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `value` with the keys of every object in sorted order. Inserting in
/// sorted order keeps it sorted even if serde_json's `preserve_order`
/// feature gets switched on by some dependency.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut sorted = Map::new();
            for key in keys {
                sorted.insert(key.clone(), canonical(&map[key]));
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The text that `hash` digests (see the module documentation).
pub fn canonical_form(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    canonical(&json!({
        "account_id": event.account_id,
        "at": event.at,
        "client_id": event.client_id,
        "detail": event.detail,
        "event": event.event,
        "prev_hash": prev_hash,
        "request_id": event.request_id,
        "seq": seq,
    }))
    .to_string()
}

/// The `hash` of entry `seq` recording `event` after an entry hashed `prev_hash`.
pub fn entry_hash(prev_hash: &str, seq: i64, event: &AuditEvent) -> String {
    sha256_hex(canonical_form(prev_hash, seq, event).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            at: 1_790_000_000,
            event: "login.failed".into(),
            account_id: None,
            client_id: Some("medcabinet".into()),
            request_id: Some("r-1".into()),
            detail: json!({"z": [{"b": 1, "a": "д\n"}], "a": 1.5}),
        }
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        // Pinned (the hash also from Python: json.dumps(sort_keys=True,
        // separators=(",", ":"), ensure_ascii=False)); changing the form
        // breaks every stored chain.
        assert_eq!(
            canonical_form(GENESIS, 1, &event()),
            format!(
                r#"{{"account_id":null,"at":1790000000,"client_id":"medcabinet","detail":{{"a":1.5,"z":[{{"a":"д\n","b":1}}]}},"event":"login.failed","prev_hash":"{GENESIS}","request_id":"r-1","seq":1}}"#
            )
        );
        assert_eq!(
            entry_hash(GENESIS, 1, &event()),
            "d42c8b58c7701163c4ae37912e77a4d331910b0f17a2ec271d813613f2aa6525"
        );
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry_hash(GENESIS, 1, &event());
        let mut other = event();
        other.detail = json!({"a": 1.5, "z": [{"a": "д\n", "b": 2}]});
        assert_ne!(entry_hash(GENESIS, 1, &other), base);
        assert_ne!(entry_hash(GENESIS, 2, &event()), base);
        assert_ne!(entry_hash(&"1".repeat(64), 1, &event()), base);
        let mut moved = event();
        moved.account_id = moved.client_id.take();
        assert_ne!(entry_hash(GENESIS, 1, &moved), base);
    }

    #[test]
    fn key_order_does_not_matter() {
        let a: Value = serde_json::from_str(r#"{"b":{"y":1,"x":2},"a":null}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":null,"b":{"x":2,"y":1}}"#).unwrap();
        assert_eq!(canonical(&a).to_string(), canonical(&b).to_string());
        assert_eq!(canonical(&a).to_string(), r#"{"a":null,"b":{"x":2,"y":1}}"#);
    }
}
