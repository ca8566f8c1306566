//! Limits by volume: how many messages, recoveries or login flows one
//! client address (or account, or everyone together) may cause per window.
//! Fixed windows counted in the short-lived store, so every node sees the
//! same numbers; windows are cut by the injected clock, so the time to try
//! again is exact. Reaching a limit is journaled once per window and whom
//! it counts, so a flood does not flood the journal too.

use std::time::Duration;

use crate::audit::{Audit, Entry, events};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::store::StoreError;

/// Whom a count is about.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A client address, as `http` tells it.
    Address(&'a str),
    Account(&'a str),
    /// A login flow and the flows started over from it.
    Flow(&'a str),
    Everyone,
}

/// A limit: at most `max` per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Its name in the journal (`limit.reached`).
    pub name: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

/// A limit was reached; the count starts over at `retry_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub retry_at: UnixTime,
}

impl Reached {
    /// Seconds to wait from `now` (at least one).
    pub fn wait_secs(&self, now: UnixTime) -> i64 {
        (self.retry_at - now).max(1)
    }
}

/// Counts one more for `subject` under `limit`; `Err` when it is over.
pub async fn count(
    ctx: &Ctx,
    limit: Limit,
    subject: Subject<'_>,
) -> Result<Result<(), Reached>, StoreError> {
    let window = limit.window_secs.max(1);
    let now = ctx.now();
    let index = now.div_euclid(window);
    let who = match subject {
        Subject::Address(address) => format!("address:{}", bucket(address)),
        Subject::Account(id) => format!("account:{id}"),
        Subject::Flow(id) => format!("flow:{id}"),
        Subject::Everyone => "everyone".to_owned(),
    };
    let key = format!("limit:{}:{who}:{index}", limit.name);
    let count = ctx
        .ephemeral
        .incr(&key, Duration::from_secs(window as u64))
        .await?;
    if count <= limit.max {
        return Ok(Ok(()));
    }
    let reached = Reached {
        retry_at: (index + 1) * window,
    };
    metrics::counter!("vhod_rate_limit_refusals_total", "limit" => limit.name).increment(1);
    if count == limit.max + 1 {
        journal(&ctx.audit, limit, subject, reached, now).await;
    }
    Ok(Err(reached))
}

/// What an address is counted as: an IPv4 address itself, an IPv6 address
/// by its /64 (one subscriber usually has a whole /64, so counting single
/// addresses would let one person through 2^64 times). Every count per
/// client address goes through this.
pub fn bucket(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => address.to_owned(),
    }
}

/// Journals that `limit` was reached for `subject` (`limit.reached`).
pub async fn journal(
    audit: &Audit,
    limit: Limit,
    subject: Subject<'_>,
    reached: Reached,
    now: UnixTime,
) {
    let mut detail = serde_json::json!({
        "limit": limit.name,
        "max": limit.max,
        "window_secs": limit.window_secs,
        "until": reached.retry_at,
    });
    let mut entry = Entry::new(events::LIMIT_REACHED);
    match subject {
        Subject::Address(address) => detail["ip"] = address.into(),
        Subject::Account(id) => entry = entry.account(id),
        Subject::Flow(id) => detail["flow"] = id.into(),
        Subject::Everyone => detail["everyone"] = true.into(),
    }
    audit.record(entry.detail(detail), now).await;
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn ipv6_addresses_count_by_their_64_bit_prefix() {
        assert_eq!(bucket("203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(bucket("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_ne!(bucket("2001:db8:1:3::1"), bucket("2001:db8:1:2::1"));
        assert_eq!(bucket("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket(""), "");
    }
}
