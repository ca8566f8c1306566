//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6).

use subtle::ConstantTimeEq;

use super::{TokenResponse, UserGrant, user_tokens};
use crate::audit::{Entry, events};
use crate::ctx::Ctx;
use crate::model::{Client, Grant, RefreshToken, Secret, random_token};
use crate::oidc::code::{self, CodeGrant, Redemption};
use crate::oidc::error::OAuthError;
use crate::sessions::revocation;

/// What the client sent with the code.
pub struct Presented<'a> {
    pub code: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
}

pub async fn exchange(
    ctx: &Ctx,
    client: &Client,
    presented: Presented<'_>,
    request_id: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let now = ctx.now();
    let Redeemed {
        code: grant,
        grant_id,
        refresh,
    } = redeem(ctx, client, presented, request_id).await?;
    let response = user_tokens(
        ctx,
        UserGrant {
            client,
            auth: &grant.auth,
            scopes: &grant.scopes,
            nonce: grant.nonce.as_deref(),
            release: &grant.release,
            grant_id: &grant_id,
            refresh_token: refresh.map(|r| r.expose().to_owned()),
        },
    )
    .await?;
    ctx.audit
        .record(
            Entry::new(events::TOKEN_ISSUED)
                .account(&grant.auth.account_id)
                .client(&client.id)
                .request(request_id)
                .detail(serde_json::json!({"grant": "authorization_code", "scope": grant.scopes.to_string()})),
            now,
        )
        .await;
    Ok(response)
}

/// A code redeemed: what it stood for, the grant stored for it and its
/// refresh token (offline access only).
pub struct Redeemed {
    pub code: Box<CodeGrant>,
    pub grant_id: String,
    pub refresh: Option<Secret>,
}

/// Redeems a code for `client` and stores its grant: single use (a replay
/// revokes what the first use got), the client's own, unexpired, PKCE, the
/// login session still live. The tokens are the caller's: OpenID Connect's
/// above, or another dialect's (`esia::token`).
pub async fn redeem(
    ctx: &Ctx,
    client: &Client,
    presented: Presented<'_>,
    request_id: Option<&str>,
) -> Result<Redeemed, OAuthError> {
    let now = ctx.now();
    let grant_id = uuid::Uuid::new_v4().to_string();
    let redeemed = code::redeem(
        ctx,
        presented.code,
        &client.id,
        presented.redirect_uri,
        &grant_id,
    )
    .await?;
    let grant = match redeemed {
        Redemption::Fresh(grant) => grant,
        Redemption::Replayed { grant_id } => {
            // A second use: whoever holds the code may be an attacker, so
            // what the first use issued is revoked (RFC 6749 §4.1.2).
            let revoked = revocation::revoke_grant(ctx, &grant_id).await?;
            ctx.audit
                .record(
                    Entry::new(events::CODE_REUSED)
                        .client(&client.id)
                        .request(request_id)
                        .detail(serde_json::json!({"refresh_tokens_revoked": revoked})),
                    now,
                )
                .await;
            return Err(OAuthError::invalid_grant(
                "the authorization code was already used; the tokens issued for it are now revoked",
            ));
        }
        Redemption::Unknown => {
            return Err(OAuthError::invalid_grant(
                "the authorization code is invalid, expired or already used",
            ));
        }
        Redemption::OtherClient => {
            return Err(OAuthError::invalid_grant(
                "the authorization code was issued to another client",
            ));
        }
        Redemption::OtherRedirect => {
            return Err(OAuthError::invalid_grant(
                "redirect_uri must be the one sent in the authorization request",
            ));
        }
    };
    if grant.expires_at <= now {
        return Err(OAuthError::invalid_grant(format!(
            "the authorization code has expired (codes are valid for {} seconds)",
            ctx.config.code_ttl_secs
        )));
    }
    check_pkce(grant.code_challenge.as_deref(), presented.code_verifier)?;
    // Refresh tokens only for offline access (OpenID Connect Core §11).
    let offline = grant.scopes.contains("offline_access");
    let record = Grant {
        id: grant_id.clone(),
        client_id: client.id.clone(),
        scopes: grant.scopes.clone(),
        release: Some(grant.release.clone()),
        auth: grant.auth.clone(),
        created_at: now,
        expires_at: now
            + if offline {
                ctx.config.refresh_family_max_secs
            } else {
                ctx.config.access_token_ttl_secs
            },
        revoked: false,
    };
    let refresh = offline.then(|| random_token(32));
    let refresh_record = refresh.as_ref().map(|token| RefreshToken {
        digest: token.digest(),
        family_id: grant_id.clone(),
        client_id: client.id.clone(),
        scopes: grant.scopes.clone(),
        auth: grant.auth.clone(),
        issued_at: now,
        expires_at: (now + ctx.config.refresh_token_ttl_secs).min(record.expires_at),
        rotated_at: None,
        revoked: false,
    });
    // The portal gets tokens in this session: it is told when the session
    // ends. A session ended since the code was issued gets it no tokens.
    if !ctx
        .sql
        .insert_grant(&record, refresh_record.as_ref())
        .await?
    {
        return Err(OAuthError::invalid_grant(
            "the login session of this code has ended; log in again",
        ));
    }
    // A replay that raced this redemption marked the grant revoked before
    // its row existed: honour the mark now.
    if revocation::grant_revoked(ctx, &grant_id).await? {
        ctx.sql.revoke_grant(&grant_id).await?;
        return Err(OAuthError::invalid_grant(
            "the authorization code was used twice; the tokens issued for it are revoked",
        ));
    }
    Ok(Redeemed {
        code: grant,
        grant_id,
        refresh,
    })
}

/// RFC 7636 §4.6, and RFC 9700 §2.1.1: a verifier without a challenge is
/// refused too, so PKCE cannot be downgraded.
pub(crate) fn check_pkce(
    challenge: Option<&str>,
    verifier: Option<&str>,
) -> Result<(), OAuthError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent, but the authorization request had no code_challenge",
        )),
        (Some(_), None) => Err(OAuthError::invalid_grant(
            "code_verifier is missing (the authorization request used PKCE)",
        )),
        (Some(challenge), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            if !well_formed {
                return Err(OAuthError::invalid_grant(
                    "code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~",
                ));
            }
            let computed = pkce_challenge(verifier);
            if bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                Ok(())
            } else {
                Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ))
            }
        }
    }
}

/// BASE64URL(SHA256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_verifier_must_match_the_challenge() {
        assert_eq!(pkce_challenge(VERIFIER), CHALLENGE);
        assert!(check_pkce(Some(CHALLENGE), Some(VERIFIER)).is_ok());
        assert!(check_pkce(None, None).is_ok());
        let wrong = "x".repeat(43);
        for (challenge, verifier) in [
            (Some(CHALLENGE), None),
            (None, Some(VERIFIER)),
            (Some(CHALLENGE), Some(wrong.as_str())),
            (Some(CHALLENGE), Some("too-short")),
            (Some(CHALLENGE), Some(&*format!("{VERIFIER}!"))),
        ] {
            assert!(
                check_pkce(challenge, verifier).is_err(),
                "{challenge:?} {verifier:?}"
            );
        }
    }
}
