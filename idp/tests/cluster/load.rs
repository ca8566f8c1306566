//! One node SIGKILLed under a bounded load through nginx: nothing durable
//! is lost, and the only requests that failed are the ones that node had
//! in flight.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::browser::{Browser, Failure, PASSWORD, Portal};
use crate::cluster::Cluster;

/// Workers of the load, each a browser with a loopback address of its own
/// (127.0.1.N) and at most one request in flight. Fewer than one node
/// admits to password hashing at once (on two cores: one hashing, four
/// waiting; `ctx::BlockingPool`), so that even with all of them on one
/// surviving node no login is refused as busy (503): beyond that bound the
/// refusal is the node shedding load by design, not a loss from the kill.
const WORKERS: usize = 4;
/// Load before the kill, and after it.
const BEFORE_KILL: Duration = Duration::from_secs(3);
const AFTER_KILL: Duration = Duration::from_secs(5);
/// A bound on each worker whatever the speed of the machine (a release
/// build does about 30 rounds a second per worker here).
const MAX_ROUNDS: usize = 400;

/// What is counted before and after: each a query of one text column.
const DURABLE: [(&str, &str); 5] = [
    ("accounts", "SELECT id AS v FROM accounts"),
    (
        "consents",
        "SELECT account_id || ' ' || client_id AS v FROM consents",
    ),
    (
        "refresh families",
        "SELECT DISTINCT family_id AS v FROM refresh_tokens",
    ),
    ("sessions", "SELECT sid AS v FROM sessions"),
    (
        "audit entries",
        "SELECT CAST(seq AS TEXT) AS v FROM audit_events",
    ),
];

#[derive(Default)]
struct Tally {
    logins: usize,
    exchanges: usize,
    refreshes: usize,
    /// Set at the kill; rounds completed after it.
    killed: bool,
    rounds_after_kill: usize,
    failures: Vec<(Instant, Failure)>,
}

/// One worker: login through nginx, redeem the code, refresh once; a
/// failed step abandons that round (as a person would start over).
async fn worker(
    n: usize,
    lb: String,
    portal: Rc<Portal>,
    login: String,
    until: Rc<RefCell<Instant>>,
    tally: Rc<RefCell<Tally>>,
) {
    for _ in 0..MAX_ROUNDS {
        if Instant::now() >= *until.borrow() {
            return;
        }
        let browser = Browser::from(&format!("127.0.1.{}", n + 1));
        let result = async {
            let walk = browser
                .login(&[lb.as_str()], &portal.id, &login, PASSWORD)
                .await?;
            tally.borrow_mut().logins += 1;
            let tokens = portal.exchange(&lb, &walk.code).await?;
            tally.borrow_mut().exchanges += 1;
            let refresh = tokens["refresh_token"].as_str().unwrap_or_default();
            let (status, body) = portal.refresh(&lb, refresh).await?;
            if status != 200 {
                return Err(Failure {
                    status: Some(status),
                    what: format!("refresh: {body}"),
                });
            }
            let mut tally = tally.borrow_mut();
            tally.refreshes += 1;
            if tally.killed {
                tally.rounds_after_kill += 1;
            }
            Ok::<(), Failure>(())
        }
        .await;
        if let Err(failure) = result {
            tally.borrow_mut().failures.push((Instant::now(), failure));
        }
    }
}

pub async fn kill_under_load(c: &mut Cluster, portal: &Portal, logins: &[String]) -> Vec<String> {
    let victim = 1;
    let victim_addr = c.nodes[victim].addr();
    let portal = Rc::new(Portal::new(&portal.id, &portal.secret));
    let tally = Rc::new(RefCell::new(Tally::default()));
    let until = Rc::new(RefCell::new(Instant::now() + Duration::from_secs(3600)));
    let local = tokio::task::LocalSet::new();
    let log_before = c.nginx_log().lines().count();
    let (before, kill_at, after) = local
        .run_until(async {
            let handles: Vec<_> = (0..WORKERS)
                .map(|n| {
                    tokio::task::spawn_local(worker(
                        n,
                        c.lb.clone(),
                        portal.clone(),
                        logins[n % logins.len()].clone(),
                        until.clone(),
                        tally.clone(),
                    ))
                })
                .collect();
            tokio::time::sleep(BEFORE_KILL).await;
            let before = snapshot(c);
            let kill_at = Instant::now();
            c.kill(victim);
            tally.borrow_mut().killed = true;
            *until.borrow_mut() = Instant::now() + AFTER_KILL;
            for h in handles {
                h.await.unwrap();
            }
            (before, kill_at, snapshot(c))
        })
        .await;
    let tally = tally.borrow();
    assert!(
        tally.logins > WORKERS,
        "the load ran: {} logins",
        tally.logins
    );
    assert!(
        tally.rounds_after_kill > WORKERS,
        "the load went on after the kill: {} rounds",
        tally.rounds_after_kill
    );

    // Nothing durable that existed before the kill is missing after it,
    // and everything the load was told it got is there.
    let mut proved = Vec::new();
    for ((name, _), (b, a)) in DURABLE.iter().zip(before.iter().zip(&after)) {
        let lost: Vec<&String> = b.difference(a).collect();
        assert!(lost.is_empty(), "{name} lost by the kill: {lost:?}");
        proved.push(format!("{name} {}→{}", b.len(), a.len()));
    }
    let families = after[2].len();
    assert!(
        families >= tally.exchanges,
        "every redeemed code left its refresh family: {families} < {}",
        tally.exchanges
    );
    let chain = c.admin(&["audit", "verify"]);

    // The failures: only requests node 2 had in flight when it died, each
    // a 502 from nginx at the moment of the kill, as many as nginx logged
    // for that node — and never more than one per worker.
    let failures = &tally.failures;
    for (at, f) in failures {
        assert_eq!(f.status, Some(502), "a failure other than the kill's: {f}");
        assert!(
            at.duration_since(kill_at) < Duration::from_secs(2),
            "a failure {:?} after the kill: {f}",
            at.duration_since(kill_at)
        );
    }
    assert!(
        failures.len() <= WORKERS,
        "at most one in-flight request per worker failed: {}",
        failures.len()
    );
    let log = c.nginx_log();
    let errors: Vec<&str> = log
        .lines()
        .skip(log_before)
        .filter(|l| status_of(l) >= 500)
        .collect();
    assert_eq!(
        errors.len(),
        failures.len(),
        "nginx logged as many errors as the clients saw: {errors:#?}"
    );
    for line in &errors {
        assert!(
            line.contains(&format!("upstream={victim_addr}")),
            "an error not from the killed node: {line}"
        );
    }
    let rerouted = log
        .lines()
        .skip(log_before)
        .filter(|l| l.contains(&format!("upstream={victim_addr}, ")))
        .count();
    proved.insert(
        0,
        format!(
            "node 2 SIGKILLed under the load of {WORKERS} clients: {} logins, {} code \
             exchanges, {} refreshes ({} rounds after the kill); {}; {rerouted} \
             request(s) nginx passed on from the dead node to another",
            tally.logins,
            tally.exchanges,
            tally.refreshes,
            tally.rounds_after_kill,
            match failures.len() {
                0 => "no request failed".to_owned(),
                n => format!(
                    "{n} request(s) failed, each in flight at node 2 when it died (502), none after"
                ),
            }
        ),
    );
    proved.push(format!("audit chain: {}", chain.trim()));
    proved
}

fn snapshot(c: &Cluster) -> Vec<BTreeSet<String>> {
    DURABLE
        .iter()
        .map(|(_, sql)| c.column(sql).into_iter().collect())
        .collect()
}

/// The status of an access-log line of deploy/nginx's `vhod` format: the
/// word after the quoted request.
fn status_of(line: &str) -> u16 {
    line.splitn(3, '"')
        .nth(2)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
