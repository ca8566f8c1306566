//! What the cluster must do as one provider: a login, a code and a refresh
//! family that cross nodes; limits that count the real client behind
//! nginx; a key rotation every node follows. Each returns the sentence it
//! proved, or panics with what went wrong.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::browser::{Browser, PASSWORD, Portal};
use crate::cluster::{Cluster, IP_FAILURE_LIMIT};

/// A login started on one node finishes on another, and its code, issued
/// by one node, is redeemed at another.
pub async fn login_and_code_cross_nodes(c: &Cluster, portal: &Portal, login: &str) -> String {
    let urls: Vec<String> = c.nodes.iter().map(|n| n.url()).collect();
    let bases: Vec<&str> = urls.iter().map(String::as_str).collect();
    let walk = Browser::new()
        .login(&bases, &portal.id, login, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("a login walked across the nodes failed: {e}"));
    let touched: BTreeSet<&String> = walk.steps.iter().collect();
    assert!(
        touched.len() == c.nodes.len(),
        "the walk touched every node"
    );
    assert_ne!(
        walk.steps[0], walk.issued_by,
        "the login finished elsewhere"
    );
    let redeem_at = urls.iter().find(|u| **u != walk.issued_by).unwrap();
    let tokens = portal
        .exchange(redeem_at, &walk.code)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "a code issued by {} failed at {redeem_at}: {e}",
                walk.issued_by
            )
        });
    let claims = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(
        claims["iss"],
        c.lb.as_str(),
        "every node issues as nginx's URL"
    );
    // The same code a second time, at a third node: refused (one use
    // across the cluster).
    let third = urls
        .iter()
        .find(|u| **u != walk.issued_by && *u != redeem_at)
        .unwrap();
    let again = portal.exchange(third, &walk.code).await;
    assert!(
        again.as_ref().is_err_and(|e| e.status == Some(400)),
        "a code redeemed once was refused elsewhere: {:?}",
        again.err()
    );
    format!(
        "a login started on {} took {} steps over all {} nodes and finished on {}; its code \
         was redeemed at {} and refused when replayed at {}",
        node_name(c, &walk.steps[0]),
        walk.steps.len(),
        c.nodes.len(),
        node_name(c, &walk.issued_by),
        node_name(c, redeem_at),
        node_name(c, third),
    )
}

/// One refresh family rotates on node after node; replaying a rotated
/// token on one node revokes the family on every node.
pub async fn refresh_family_rotates(c: &Cluster, portal: &Portal, login: &str) -> String {
    let walk = Browser::new()
        .login(&[c.lb.as_str()], &portal.id, login, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("login through nginx: {e}"));
    let tokens = portal.exchange(&c.lb, &walk.code).await.unwrap();
    let first = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token (offline_access)")
        .to_owned();
    let mut current = first.clone();
    let mut hops = Vec::new();
    for round in 0..2 {
        for node in &c.nodes {
            let (status, body) = portal.refresh(&node.url(), &current).await.unwrap();
            assert_eq!(status, 200, "refresh {round} at {}: {body}", node.url());
            let next = body["refresh_token"].as_str().unwrap().to_owned();
            assert_ne!(next, current, "each refresh rotates the token");
            current = next;
            hops.push(node_name(c, &node.url()));
        }
    }
    let (status, body) = portal.refresh(&c.nodes[2].url(), &first).await.unwrap();
    assert_eq!(status, 400, "a replayed rotated token: {body}");
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = portal.refresh(&c.nodes[0].url(), &current).await.unwrap();
    assert_eq!(
        status, 400,
        "the newest token of a replayed family is revoked on another node: {body}"
    );
    format!(
        "a refresh family rotated {} times across the nodes ({}); replaying its first token \
         at node 3 revoked the newest one at node 1",
        hops.len(),
        hops.join(" → ")
    )
}

/// The lock-out and the per-address limit count the client nginx saw, not
/// nginx: one client's failures lock an account and throttle that client
/// on every node, while another client is untouched; a client's own
/// X-Forwarded-For is ignored.
pub async fn limits_count_the_real_client(
    c: &Cluster,
    portal: &Portal,
    victim: &str,
    other: &str,
) -> String {
    let lb = [c.lb.as_str()];
    let guesser = Browser::spoofing("127.0.0.2", "198.51.100.7");
    let mut statuses = Vec::new();
    // Five wrong passwords lock the account (lockout_threshold).
    for _ in 0..5 {
        let res = guesser.login(&lb, &portal.id, victim, "Wrong-pass1!").await;
        statuses.push(res.err().and_then(|e| e.status).unwrap_or(302));
        shift_round_robin(c, &guesser).await;
    }
    assert!(
        statuses.iter().all(|s| *s == 400),
        "wrong passwords get the wrong-password page: {statuses:?}"
    );
    let locks = c
        .column("SELECT detail AS v FROM audit_events WHERE event = 'account.locked' ORDER BY seq");
    assert_eq!(locks.len(), 1, "one lock: {locks:?}");
    let lock: Value = serde_json::from_str(&locks[0]).unwrap();
    assert_eq!(
        lock["ip"], "127.0.0.2",
        "the lock names the client's address, not nginx's nor the spoofed one: {lock}"
    );
    // The right password is refused during the lock, on whichever node.
    let right = guesser.login(&lb, &portal.id, victim, PASSWORD).await;
    assert_eq!(right.err().and_then(|e| e.status), Some(400));
    // More failures from the same client reach the per-address limit:
    // so far five wrong passwords and the right one during the lock.
    let mut failures = 6;
    let mut throttled_after = None;
    while failures <= IP_FAILURE_LIMIT + 1 {
        let res = guesser
            .login(&lb, &portal.id, "nobody@cluster.test", "x")
            .await;
        match res.err().and_then(|e| e.status) {
            Some(429) => {
                throttled_after = Some(failures);
                break;
            }
            Some(400) => {
                failures += 1;
                shift_round_robin(c, &guesser).await;
            }
            other => panic!("a failed login answered {other:?}"),
        }
    }
    let throttled_after = throttled_after.expect("the guesser is throttled (HTTP 429)");
    assert_eq!(throttled_after, IP_FAILURE_LIMIT, "throttled at the limit");
    // Whatever X-Forwarded-For it writes itself (another spoof).
    let respoofed = Browser::spoofing("127.0.0.2", "203.0.113.9")
        .login(&lb, &portal.id, other, PASSWORD)
        .await;
    assert_eq!(respoofed.err().and_then(|e| e.status), Some(429));
    // Another client, behind the same nginx, logs in.
    Browser::from("127.0.0.3")
        .login(&lb, &portal.id, other, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("another client is not throttled: {e}"));
    let served = nodes_that_served(c, "127.0.0.2", "POST /login");
    assert!(
        served.len() == c.nodes.len(),
        "the guesser's attempts were spread over nodes: {served:?}"
    );
    format!(
        "5 wrong passwords from client 127.0.0.2 through nginx (served by {} nodes, the \
         client writing a false X-Forwarded-For) locked the account, journaled with ip \
         127.0.0.2; it was throttled after {throttled_after} failures in all while \
         127.0.0.3 logged in",
        served.len()
    )
}

/// One login is three requests; with three nodes in round robin each
/// password would reach the same node. One more request in between moves
/// the next password to the next node.
async fn shift_round_robin(c: &Cluster, browser: &Browser) {
    let res = browser.http.get(format!("{}/healthz", c.lb)).send().await;
    assert!(res.is_ok_and(|r| r.status() == 200));
}

/// The upstreams nginx used for requests of `client` matching `request`.
pub fn nodes_that_served(c: &Cluster, client: &str, request: &str) -> BTreeSet<String> {
    c.nginx_log()
        .lines()
        .filter(|l| l.starts_with(&format!("{client} ")) && l.contains(request))
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("upstream="))
                .map(str::to_owned)
        })
        .collect()
}

/// The routine rotation (`idp keys rotate`): the new key is published by
/// every node before any signs with it, then every node signs with it;
/// meanwhile logins through nginx never fail and every token verifies
/// against the JWKS of every node.
pub async fn key_rotation(c: &Cluster, portal: &Portal, login: &str) -> String {
    let old = kid_now(c, portal, login).await;
    let out = c.admin(&["keys", "rotate"]);
    let new = c
        .column("SELECT kid AS v FROM signing_keys WHERE state = 'next'")
        .pop()
        .unwrap_or_else(|| panic!("`idp keys rotate` made a next key: {out}"));
    let started = Instant::now();
    let mut logins = 0;
    let mut signed_by_new = BTreeSet::new();
    let mut published_everywhere = None;
    while signed_by_new.len() < c.nodes.len() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "every node signs with {new} within 60 s; signing: {signed_by_new:?}"
        );
        for (i, node) in c.nodes.iter().enumerate() {
            let walk = Browser::new()
                .login(&[c.lb.as_str()], &portal.id, login, PASSWORD)
                .await
                .unwrap_or_else(|e| panic!("a login during the rotation failed: {e}"));
            let tokens = portal
                .exchange(&node.url(), &walk.code)
                .await
                .unwrap_or_else(|e| panic!("an exchange during the rotation failed: {e}"));
            logins += 1;
            let id_token = tokens["id_token"].as_str().unwrap();
            let kid = jsonwebtoken::decode_header(id_token).unwrap().kid.unwrap();
            for other in &c.nodes {
                verify(id_token, &jwks(&other.url()).await, &portal.id);
            }
            if kid == new {
                signed_by_new.insert(i);
            }
        }
        if published_everywhere.is_none() {
            let mut everywhere = true;
            for node in &c.nodes {
                everywhere &= jwks(&node.url()).await["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kid"] == new.as_str());
            }
            if everywhere {
                published_everywhere = Some(started.elapsed());
            }
        }
    }
    let published = published_everywhere.expect("the new key was published by every node");
    assert_ne!(old, new);
    format!(
        "`idp keys rotate`: every node published the new key within {:.1} s and all signed \
         with it within {:.1} s; {logins} logins meanwhile, none failed, each token \
         verified against the JWKS of all {} nodes",
        published.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        c.nodes.len()
    )
}

async fn kid_now(c: &Cluster, portal: &Portal, login: &str) -> String {
    let walk = Browser::new()
        .login(&[c.lb.as_str()], &portal.id, login, PASSWORD)
        .await
        .unwrap();
    let tokens = portal.exchange(&c.lb, &walk.code).await.unwrap();
    jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap()
}

async fn jwks(base: &str) -> Value {
    reqwest::get(format!("{base}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Verifies an ID token against a JWKS with an independent library.
fn verify(jwt: &str, jwks: &Value, audience: &str) {
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let kid = header.kid.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("kid {kid} is not in a node's JWKS: {jwks}"));
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .unwrap_or_else(|e| panic!("a token signed by {kid} does not verify: {e}"));
}

pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// "node N" for a node's base URL.
pub fn node_name(c: &Cluster, base: &str) -> String {
    c.nodes
        .iter()
        .position(|n| n.url() == base)
        .map_or_else(|| base.to_owned(), |i| format!("node {}", i + 1))
}
