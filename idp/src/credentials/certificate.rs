//! The challenge a browser signs to log in with a certificate: one per
//! browser, keyed by the digest of its binding cookie (nobody is known
//! yet, and another browser must not use it), single use. The signature
//! itself is checked by `certs`.

use crate::certs;
use crate::ctx::Ctx;
use crate::model::Secret;
use crate::store::StoreError;

/// The challenge's prefix: a signature made here serves nothing else.
const PURPOSE: &str = "vhod-login";

fn challenge_key(binding: &str) -> String {
    format!("login-challenge:{}", Secret::new(binding).digest())
}

/// Whether certificate login is on: trusted CAs are configured.
pub fn available(ctx: &Ctx) -> bool {
    ctx.esign.is_some()
}

/// A fresh challenge for the browser whose binding cookie is `binding`
/// (an earlier one no longer counts).
pub async fn challenge(ctx: &Ctx, binding: &str) -> Result<String, StoreError> {
    certs::issue(ctx, &challenge_key(binding), PURPOSE).await
}

/// Takes that browser's challenge in one atomic step: it serves one
/// attempt.
pub async fn take_challenge(ctx: &Ctx, binding: &str) -> Result<Option<String>, StoreError> {
    certs::take(ctx, &challenge_key(binding)).await
}
