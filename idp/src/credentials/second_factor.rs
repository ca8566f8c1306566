//! The second factor's codes, as login and the security settings both
//! check them: a six-digit code of the account's factor (from the
//! authenticator app, or sent by SMS to the verified phone) or one of its
//! recovery codes. Enabling and disabling a factor is
//! `accounts::second_factor`; the code step of a login is
//! `login::second_factor`.

use super::Factor;
use super::codes::{self, CodeCheck, SentCode};
use super::recovery_codes::recovery_digest;
use super::totp;
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::delivery::{Kind, Message};
use crate::messages::{Notice, Purpose};
use crate::model::{Account, SecondFactor};
use crate::store::StoreError;

/// An SMS code is valid this long, for this many wrong tries.
pub const SMS_CODE_TTL_SECS: i64 = 5 * 60;
pub const SMS_CODE_TRIES: u32 = 3;

/// The phone SMS codes go to: the account's, once verified.
pub fn verified_phone(account: &Account) -> Option<&str> {
    account.phone.as_deref().filter(|_| account.phone_verified)
}

/// The SMS that carries a one-time code for `purpose`.
pub fn sms_code(phone: &str, code: &str, purpose: Purpose) -> Message {
    let words = Notice::Code { purpose, code }.words();
    Message::notice(Kind::Sms, phone, words).with_code(code)
}

/// Checks `typed` against the second factor `method` of `account_id`: six
/// digits are a code of the factor — from the app, whose secret is
/// `sealed_secret` (each time step is good once), or the SMS code `sent`
/// (a wrong one spends a try) —, anything else a recovery code (spent by
/// a right one). The factor it proves, or else the tries left of the SMS
/// code (`None` where tries are not counted).
pub async fn check_code(
    ctx: &Ctx,
    account_id: &str,
    method: SecondFactor,
    sealed_secret: Option<&str>,
    sent: Option<&mut SentCode>,
    typed: &str,
    now: UnixTime,
) -> Result<Result<Factor, Option<u32>>, StoreError> {
    if !codes::is_six_digits(typed) {
        let digest = recovery_digest(account_id, typed);
        return Ok(
            match ctx.sql.use_recovery_code(account_id, &digest, now).await? {
                true => Ok(Factor::RecoveryCode),
                false => Err(None),
            },
        );
    }
    match method {
        SecondFactor::Totp => {
            let step = sealed_secret
                .and_then(|sealed| totp::open(&ctx.master, account_id, sealed))
                .and_then(|secret| totp::matching_step(&secret, typed, now));
            let Some(step) = step else {
                return Ok(Err(None));
            };
            // A code is good once: a replay within its window is wrong.
            Ok(match ctx.sql.use_totp_step(account_id, step).await? {
                true => Ok(Factor::Totp),
                false => Err(None),
            })
        }
        SecondFactor::Sms => {
            let Some(sent) = sent else {
                return Ok(Err(Some(0)));
            };
            Ok(match sent.check(typed, now) {
                CodeCheck::Right => Ok(Factor::Sms),
                CodeCheck::Wrong { tries_left } => Err(Some(tries_left)),
                CodeCheck::Spent => Err(Some(0)),
            })
        }
    }
}
