//! The demo cabinet's ESIA client (`cabinet --protocol esia`): what a portal
//! gets when it registers with ESIA, made on first use under
//! `<data_dir>/demo-esia/` — the portal's key and certificate
//! (`cabinet.key`, `cabinet.pem`, ECDSA P-256, self-signed with esign's test
//! CA, so only a build with the feature `demo` makes them) and the client
//! `medcabinet-esia` registered with that certificate; and, at every start,
//! the key ESIA tokens verify with (`esia-token-key.pem`, every published
//! RS256 key, as `idp esia export-key --all` prints it). The ESIA endpoints
//! themselves stay as configured: scripts/demo turns them on.

use super::clients::{POST_LOGOUT_URI, REDIRECT_URI};
use crate::clients::{ClientError, NewClient};
use crate::ctx::Ctx;

pub const ESIA_CLIENT_ID: &str = "medcabinet-esia";
/// What the cabinet asks for in ESIA mode, by ESIA's names.
const SCOPES: &str = "openid fullname birthdate snils id_doc usr_org";

/// Registers the ESIA client and writes its files; a line for each.
pub(super) async fn seed(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let dir = ctx.config.data_dir.join("demo-esia");
    std::fs::create_dir_all(&dir)?;
    let token_key = dir.join("esia-token-key.pem");
    let mut pem = String::new();
    for jwk in ctx.keys.jwks().keys.iter().filter(|k| k.alg == "RS256") {
        pem.push_str(&crate::esia::keys::rsa_public_pem(jwk).unwrap_or_default());
    }
    std::fs::write(&token_key, pem)?;
    let mut lines = vec![format!(
        "esia     {}; tokens verify with {} (idp esia export-key --all)",
        if ctx.config.esia.enabled {
            "ESIA mode on"
        } else {
            "ESIA mode off (IDP_ESIA_ENABLED=true turns it on, as scripts/demo does)"
        },
        token_key.display()
    )];
    let Some(certificate) = portal_certificate(&dir)? else {
        lines.push(
            "esia     no demo ESIA client: this build has no test CA (build with `--features idp/demo`)"
                .to_owned(),
        );
        return Ok(lines);
    };
    let requested = crate::esia::scopes::parse(SCOPES);
    let client = NewClient {
        id: ESIA_CLIENT_ID.into(),
        name: "Медицинский кабинет (демо, ЕСИА)".into(),
        public: false,
        secret: None,
        redirect_uris: vec![REDIRECT_URI.into()],
        post_logout_redirect_uris: vec![POST_LOGOUT_URI.into()],
        scopes: Some(requested.vhod),
        skip_consent: false,
        min_account_level: None,
        min_aal: None,
        id_token_alg: "RS256".into(),
        access_token_alg: None,
        backchannel_logout_uri: None,
        esia_certificate: Some(std::fs::read(&certificate)?),
    };
    match ctx.clients.register(client, ctx.now()).await {
        Ok(_) | Err(ClientError::Exists(_)) => {}
        Err(e) => return Err(e.into()),
    }
    lines.push(format!(
        "client   {ESIA_CLIENT_ID} (ESIA; certificate and key {}, {}): `cabinet --protocol esia`",
        certificate.display(),
        dir.join("cabinet.key").display()
    ));
    Ok(lines)
}

/// The portal's certificate, made with its key on first use.
#[cfg(feature = "demo")]
fn portal_certificate(dir: &std::path::Path) -> anyhow::Result<Option<std::path::PathBuf>> {
    use esign::testca::{KeyKind, TestCa};
    let (pem, key) = (dir.join("cabinet.pem"), dir.join("cabinet.key"));
    if !(pem.exists() && key.exists()) {
        let portal = TestCa::root("Медицинский кабинет (демо, ЕСИА)", KeyKind::P256)
            .map_err(|e| anyhow::anyhow!("the demo ESIA client's certificate: {e}"))?;
        let _ = std::fs::remove_file(&key);
        crate::keyring::write_private_file(&key, &portal.private_key_pem())
            .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
        std::fs::write(&pem, portal.certificate_pem())?;
    }
    Ok(Some(pem))
}

#[cfg(not(feature = "demo"))]
fn portal_certificate(_: &std::path::Path) -> anyhow::Result<Option<std::path::PathBuf>> {
    Ok(None)
}
