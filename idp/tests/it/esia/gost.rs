//! GOST end to end (feature `gost`): a portal whose certificate is GOST R
//! 34.10-2012, made by OpenSSL's GOST engine, signs with `openssl cms -sign
//! -engine gost` and logs a person in over HTTP at `/aas/oauth2/v2/ac` and
//! `/v3/te`, as a portal with a real ESIA key would; a wrong signature is
//! refused at both, including one whose GOST signature value alone is
//! wrong (a changed text is caught earlier, by its messageDigest).

use serde_json::Value;

use super::{Ac, Portal, Tool, code_for, esia_app, te, te_form};
use crate::harness::{CONFIRMED, error_of, query};

#[actix_web::test]
async fn a_gost_portal_signs_with_openssl_and_gets_tokens() {
    let app = esia_app().await;
    let portal = Portal::gost("portal-gost");
    portal.register(&app, "openid fullname").await;
    let scope = "openid fullname";

    // Refused at the authorization endpoint: a signature over another
    // text (its messageDigest differs), and the right one with a bit of
    // the GOST signature value flipped (only the GOST check sees it).
    let ac = Ac::new(&app, true, scope);
    let other_text = portal.sign(&format!("{}x", ac.text(&portal.id)), Tool::Cms);
    let flipped = flip_last_bit(&portal.sign(&ac.text(&portal.id), Tool::Cms));
    for wrong in [other_text, flipped] {
        let browser = app.browser();
        let page = browser
            .follow(browser.get(&ac.url_with(&app, &portal, &wrong)).await)
            .await;
        let description = query(&page.url, "error_description").unwrap_or_default();
        assert!(description.starts_with("ESIA-007053"), "{page:?}");
    }

    // Signed right (cms, then smime at the token endpoint of v1 below).
    let ac = Ac::new(&app, true, scope);
    let code = code_for(&app, &portal, &ac, Tool::Cms, CONFIRMED).await;

    // The token request signed over another code: refused, the code kept.
    let mut form = te_form(&app, &portal, true, "another-code", scope);
    form[1].1 = code.clone();
    let (status, error, description) = error_of(te(&app, true, &form).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert!(description.starts_with("ESIA-007053"), "{description}");

    // The right text, the GOST signature value changed.
    let mut form = te_form(&app, &portal, true, &code, scope);
    form[3].1 = flip_last_bit(&form[3].1);
    let (status, _, description) = error_of(te(&app, true, &form).await).await;
    assert_eq!(status, 401);
    assert!(description.starts_with("ESIA-007053"), "{description}");

    let res = te(&app, true, &te_form(&app, &portal, true, &code, scope)).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let id_token = crate::harness::claims(body["id_token"].as_str().unwrap());
    assert_eq!(id_token["iss"], "http://esia.gosuslugi.ru/");
    assert_eq!(id_token["aud"], portal.id.as_str());
    assert_eq!(
        id_token["urn:esia:sbj"]["urn:esia:sbj:oid"],
        super::oid_of(&app, CONFIRMED).await
    );

    // v1 with `openssl smime -md md_gost12_256`.
    let ac = Ac::new(&app, false, scope);
    let code = code_for(&app, &portal, &ac, Tool::Smime, CONFIRMED).await;
    let res = te(&app, false, &te_form(&app, &portal, false, &code, scope)).await;
    assert_eq!(res.status(), 200);
}

/// The signature (base64url DER) with one bit of its last byte flipped:
/// the signature value is the last element of the SignedData.
fn flip_last_bit(secret: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut der = URL_SAFE_NO_PAD.decode(secret).unwrap();
    *der.last_mut().unwrap() ^= 0x01;
    URL_SAFE_NO_PAD.encode(der)
}
