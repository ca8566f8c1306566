//! OpenID Connect Back-Channel Logout 1.0. When a session ends, each portal
//! that got tokens in it and registered a `backchannel_logout_uri` is sent a
//! logout token by a durable job, so any node delivers it, after a restart
//! too, retrying with the queue's backoff while the portal is down. The
//! token is signed when it is sent, like an ID token for that portal, so a
//! retry an hour later still carries a fresh one. 200 or 204 is done; 400 is
//! the portal refusing it for good (§2.8); anything else is tried again.

use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::jobs::{self, JobError};
use crate::model::{Client, Job, SessionRecord, random_token};
use crate::store::{SqlStore, StoreError};

/// The job that delivers one logout token.
pub const LOGOUT: &str = "backchannel_logout";
/// The `typ` of a logout token's header (§2.4).
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";
/// The event a logout token carries (§2.4).
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long a logout token is valid: long enough for the portal's clock to
/// differ a little, short enough to be useless if intercepted.
const TOKEN_TTL_SECS: i64 = 120;
/// How long a portal may take to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What one delivery job says: tell `client_id` that `sid` ended.
#[derive(Debug, Serialize, Deserialize)]
pub struct Notice {
    pub client_id: String,
    pub sid: String,
    /// The `sub` the portal's ID tokens carry (public subjects: the account
    /// id, as `tokens::id_token` sets it).
    pub sub: String,
}

/// The delivery jobs of an ended session, one per listening portal.
pub fn notices(
    session: &SessionRecord,
    clients: &[String],
    now: UnixTime,
) -> Result<Vec<Job>, StoreError> {
    clients
        .iter()
        .map(|client_id| {
            let notice = Notice {
                client_id: client_id.clone(),
                sid: session.sid.clone(),
                sub: session.account_id.clone(),
            };
            jobs::new(LOGOUT, &notice, now, now)
        })
        .collect()
}

/// The person withdrew their consent to `client_id`: the portal is told,
/// for each open session it got tokens in, that the session is over for
/// it (the session goes on for the other portals). How many notices were
/// queued.
pub async fn portal_left(
    ctx: &Ctx,
    account_id: &str,
    client_id: &str,
) -> Result<usize, StoreError> {
    let client = ctx.clients.get(client_id).await?;
    if client.is_none_or(|c| c.backchannel_logout_uri.is_none()) {
        return Ok(0);
    }
    let now = ctx.now();
    let mut queued = 0;
    for session in ctx.sql.open_sessions_of(account_id).await? {
        if session.clients.iter().any(|c| c == client_id) {
            let notice = Notice {
                client_id: client_id.to_owned(),
                sid: session.sid.clone(),
                sub: session.account_id.clone(),
            };
            ctx.jobs.enqueue(LOGOUT, &notice, now).await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// A logout token for `client` (§2.4): signed with the algorithm of its ID
/// tokens, `typ: logout+jwt`, the `sid` and the event, never a `nonce`.
fn logout_token(ctx: &Ctx, client: &Client, notice: &Notice) -> Result<String, JobError> {
    let alg = client
        .id_token_alg
        .parse()
        .unwrap_or(keys::Algorithm::RS256);
    let now = ctx.now();
    let claims = json!({
        "iss": ctx.issuer.as_ref(),
        "aud": client.id,
        "iat": now,
        "exp": now + TOKEN_TTL_SECS,
        "jti": random_token(16).expose(),
        "sub": notice.sub,
        "sid": notice.sid,
        "events": { EVENT: {} },
    });
    let key = ctx
        .keys
        .signer(alg)
        .map_err(|e| JobError::Retry(e.to_string()))?;
    key.sign_jwt(LOGOUT_TOKEN_TYP, &claims)
        .map_err(|e| JobError::Retry(e.to_string()))
}

fn http() -> &'static reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// Runs a delivery job: POSTs `logout_token` to the portal (§2.5).
pub async fn deliver(ctx: &Ctx, payload: &str) -> Result<(), JobError> {
    let retry = |e: StoreError| JobError::Retry(e.to_string());
    let notice: Notice = serde_json::from_str(payload)
        .map_err(|e| JobError::Permanent(format!("not a logout notice: {e}")))?;
    let client = ctx.clients.get(&notice.client_id).await.map_err(retry)?;
    // A portal removed since, or no longer listening: nobody to tell.
    let Some((client, uri)) = client.and_then(|c| {
        let uri = c.backchannel_logout_uri.clone()?;
        Some((c, uri))
    }) else {
        return Ok(());
    };
    let token = logout_token(ctx, &client, &notice)?;
    let response = http()
        .post(&uri)
        .form(&[("logout_token", token)])
        .send()
        .await
        .map_err(|e| JobError::Retry(format!("{uri}: {e}")))?;
    let status = response.status();
    match status.as_u16() {
        200 | 204 => ctx
            .sql
            .backchannel_delivered(&notice.sid, &notice.client_id, ctx.now())
            .await
            .map_err(retry),
        400 => {
            let body = response.text().await.unwrap_or_default();
            let said: String = body.chars().filter(|c| !c.is_control()).take(200).collect();
            Err(JobError::Permanent(format!(
                "{uri} refused the logout token (400): {said}"
            )))
        }
        _ => Err(JobError::Retry(format!("{uri} answered {status}"))),
    }
}

/// How the logout tokens of one portal fare, for `idp clients show`.
#[derive(Debug, Default, Serialize)]
pub struct Status {
    /// When a logout token last reached it.
    pub last_delivered_at: Option<UnixTime>,
    /// Tokens waiting to be sent or retried.
    pub pending: usize,
    /// The error of the newest attempt that failed among the pending ones.
    pub last_error: Option<String>,
    /// Tokens given up on (refused with 400, or too many attempts).
    pub failed: Vec<Failed>,
}

#[derive(Debug, Serialize)]
pub struct Failed {
    pub sid: String,
    pub queued_at: UnixTime,
    pub attempts: u32,
    pub error: Option<String>,
}

pub async fn status(sql: &SqlStore, client_id: &str) -> Result<Status, StoreError> {
    let mut status = Status {
        last_delivered_at: sql.backchannel_last_delivered(client_id).await?,
        ..Status::default()
    };
    for job in sql.jobs_of_kind(LOGOUT).await? {
        let Ok(notice) = serde_json::from_str::<Notice>(&job.payload) else {
            continue;
        };
        if notice.client_id != client_id {
            continue;
        }
        if job.failed {
            status.failed.push(Failed {
                sid: notice.sid,
                queued_at: job.created_at,
                attempts: job.attempts,
                error: job.last_error,
            });
        } else {
            status.pending += 1;
            status.last_error = job.last_error.or(status.last_error);
        }
    }
    Ok(status)
}
