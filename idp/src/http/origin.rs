//! Who sent a request: the client's address and whether it used https.
//!
//! It is the connection's peer, unless the peer is one of the
//! `trusted_proxies`: then the proxies' headers are read — `Forwarded`
//! (RFC 7239) when present, else `X-Forwarded-For` with
//! `X-Forwarded-Proto` — from the right, skipping the hops that are
//! trusted proxies too, and the first hop that is not (the rightmost
//! untrusted one) is the client. Hops to the left of it were written by the
//! client and are never believed; from a peer that is not trusted, none of
//! these headers is. [`resolve`] is the rule, a pure function; [`of`]
//! reads it off a request.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The client behind a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The client's address; none when the connection has no peer address.
    pub ip: Option<IpAddr>,
    /// Whether the client used https (to us or to the trusted proxy).
    pub https: bool,
}

/// The forwarding headers of a request, each line of a repeated header in
/// order.
#[derive(Debug, Default, Clone)]
pub struct Forwarding<'a> {
    pub forwarded: Vec<&'a str>,
    pub x_forwarded_for: Vec<&'a str>,
    pub x_forwarded_proto: Vec<&'a str>,
}

/// One proxy hop as a header tells it: the address it came from (none when
/// the header says `unknown`, an obfuscated name or garbage), and the
/// scheme it used when `Forwarded` says.
#[derive(Debug, Clone, Copy)]
struct Hop {
    ip: Option<IpAddr>,
    https: Option<bool>,
}

/// The client of a connection from `peer` (over TLS when `tls`) that sent
/// `headers`, believing them only from `trusted` proxies.
pub fn resolve(
    peer: Option<IpAddr>,
    tls: bool,
    headers: &Forwarding<'_>,
    trusted: &[IpNet],
) -> Origin {
    let peer = peer.map(|ip| ip.to_canonical());
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip));
    let direct = Origin {
        ip: peer,
        https: tls,
    };
    let Some(proxy) = peer.filter(|ip| is_trusted(*ip)) else {
        return direct;
    };
    // `X-Forwarded-Proto` is the scheme the nearest proxy was reached by:
    // the client's when it is the only proxy, or when each proxy passes it
    // on (nginx: `$http_x_forwarded_proto` behind another proxy).
    let (hops, nearest_proto) = if headers.forwarded.is_empty() {
        let proto = headers
            .x_forwarded_proto
            .iter()
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .rfind(|p| !p.is_empty())
            .map(|p| p.eq_ignore_ascii_case("https"));
        let hops: Vec<Hop> = headers
            .x_forwarded_for
            .iter()
            .flat_map(|line| line.split(','))
            .map(|value| Hop {
                ip: address(value),
                https: None,
            })
            .collect();
        (hops, proto)
    } else {
        let hops = forwarded_hops(&headers.forwarded);
        let proto = hops.iter().rev().find_map(|h| h.https);
        (hops, proto)
    };
    let mut chosen: Option<&Hop> = None;
    for hop in hops.iter().rev() {
        // An unreadable hop: the nearest proxy that told us about it is as
        // far as we can see.
        let Some(ip) = hop.ip else { break };
        chosen = Some(hop);
        if !is_trusted(ip.to_canonical()) {
            break;
        }
    }
    Origin {
        ip: Some(
            chosen
                .and_then(|h| h.ip)
                .map_or(proxy, |ip| ip.to_canonical()),
        ),
        https: chosen
            .and_then(|h| h.https)
            .or(nearest_proto)
            .unwrap_or(tls),
    }
}

/// The hops of `Forwarded` lines: `for=` and `proto=` of each element.
fn forwarded_hops(lines: &[&str]) -> Vec<Hop> {
    lines
        .iter()
        .flat_map(|line| line.split(','))
        .map(|element| {
            let mut hop = Hop {
                ip: None,
                https: None,
            };
            for pair in element.split(';') {
                let Some((key, value)) = pair.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => hop.ip = address(value),
                    "proto" => hop.https = Some(value.eq_ignore_ascii_case("https")),
                    _ => {}
                }
            }
            hop
        })
        .collect()
}

/// An address as headers write it: `192.0.2.1`, `192.0.2.1:4711`,
/// `2001:db8::1`, `[2001:db8::1]:4711`.
fn address(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    value
        .rsplit_once(':')?
        .0
        .parse::<std::net::Ipv4Addr>()
        .ok()
        .map(IpAddr::V4)
}

/// The client of `req`, as [`resolve`] decides with `trusted`.
pub fn of(req: &HttpRequest, trusted: &[IpNet]) -> Origin {
    let lines = |name: &str| -> Vec<&str> {
        req.headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    let headers = Forwarding {
        forwarded: lines("forwarded"),
        x_forwarded_for: lines("x-forwarded-for"),
        x_forwarded_proto: lines("x-forwarded-proto"),
    };
    resolve(
        req.peer_addr().map(|a| a.ip()),
        req.app_config().secure(),
        &headers,
        trusted,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn xff<'a>(for_: &'a str, proto: Option<&'a str>) -> Forwarding<'a> {
        Forwarding {
            x_forwarded_for: vec![for_],
            x_forwarded_proto: proto.into_iter().collect(),
            ..Forwarding::default()
        }
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let headers = xff("198.51.100.7", Some("https"));
        let origin = resolve(ip("203.0.113.9"), false, &headers, &nets(&["10.0.0.0/8"]));
        assert_eq!(
            origin,
            Origin {
                ip: ip("203.0.113.9"),
                https: false
            }
        );
        // Nobody trusted: the same.
        let origin = resolve(ip("10.0.0.1"), false, &headers, &[]);
        assert_eq!(
            origin,
            Origin {
                ip: ip("10.0.0.1"),
                https: false
            }
        );
        let forwarded = Forwarding {
            forwarded: vec!["for=198.51.100.7;proto=https"],
            ..Forwarding::default()
        };
        let origin = resolve(ip("203.0.113.9"), true, &forwarded, &nets(&["10.0.0.0/8"]));
        assert_eq!(
            origin,
            Origin {
                ip: ip("203.0.113.9"),
                https: true
            }
        );
    }

    #[test]
    fn from_a_trusted_peer_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged the first hop; the proxy appended the real one.
        let headers = xff("1.2.3.4, 198.51.100.7", Some("https"));
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(
            origin,
            Origin {
                ip: ip("198.51.100.7"),
                https: true
            }
        );
        // Two trusted proxies in a row are skipped.
        let headers = xff("1.2.3.4, 198.51.100.7, 10.1.1.1", Some("http"));
        let origin = resolve(ip("127.0.0.1"), false, &headers, &trusted);
        assert_eq!(
            origin,
            Origin {
                ip: ip("198.51.100.7"),
                https: false
            }
        );
        // Repeated header lines are one list.
        let headers = Forwarding {
            x_forwarded_for: vec!["1.2.3.4", "198.51.100.7"],
            ..Forwarding::default()
        };
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(origin.ip, ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_names_the_scheme() {
        let trusted = nets(&["10.0.0.0/8"]);
        let headers = Forwarding {
            forwarded: vec![
                "for=1.2.3.4;proto=http, for=\"[2001:db8::7]:4711\";proto=https",
                "for=10.0.0.9;proto=http",
            ],
            x_forwarded_for: vec!["5.6.7.8"],
            x_forwarded_proto: vec!["http"],
        };
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        // The client's own element says how it came.
        assert_eq!(
            origin,
            Origin {
                ip: ip("2001:db8::7"),
                https: true
            }
        );
        let headers = Forwarding {
            forwarded: vec!["For=192.0.2.60:8080;Proto=HTTPS;by=203.0.113.43"],
            ..Forwarding::default()
        };
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(
            origin,
            Origin {
                ip: ip("192.0.2.60"),
                https: true
            }
        );
    }

    #[test]
    fn unreadable_or_missing_hops_leave_the_nearest_proxy() {
        let trusted = nets(&["10.0.0.0/8"]);
        let headers = xff("198.51.100.7, unknown", None);
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(origin.ip, ip("10.0.0.5"));
        let origin = resolve(ip("10.0.0.5"), true, &Forwarding::default(), &trusted);
        assert_eq!(
            origin,
            Origin {
                ip: ip("10.0.0.5"),
                https: true
            }
        );
        // Only trusted hops: the leftmost is as far as we can see.
        let headers = xff("10.9.9.9, 10.0.0.1", None);
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(origin.ip, ip("10.9.9.9"));
        // A proxy that only says the scheme.
        let headers = Forwarding {
            x_forwarded_proto: vec!["https"],
            ..Forwarding::default()
        };
        let origin = resolve(ip("10.0.0.5"), false, &headers, &trusted);
        assert_eq!(
            origin,
            Origin {
                ip: ip("10.0.0.5"),
                https: true
            }
        );
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_networks() {
        let trusted = nets(&["127.0.0.1/32"]);
        let headers = xff("198.51.100.7", None);
        let origin = resolve(ip("::ffff:127.0.0.1"), false, &headers, &trusted);
        assert_eq!(origin.ip, ip("198.51.100.7"));
    }

    #[test]
    fn addresses_are_read_with_or_without_ports() {
        assert_eq!(address("192.0.2.1:4711"), ip("192.0.2.1"));
        assert_eq!(address(" 2001:db8::1 "), ip("2001:db8::1"));
        assert_eq!(address("[2001:db8::1]:80"), ip("2001:db8::1"));
        assert_eq!(address("_hidden"), None);
        assert_eq!(address("unknown"), None);
    }
}
