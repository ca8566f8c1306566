//! The public key ESIA tokens verify with, as the PEM a portal configures
//! where it had ESIA's certificate (`idp esia export-key`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The `SubjectPublicKeyInfo` PEM (`-----BEGIN PUBLIC KEY-----`) of an RSA
/// JWK; `None` for another kind of key.
pub fn rsa_public_pem(jwk: &keys::Jwk) -> Option<String> {
    let n = URL_SAFE_NO_PAD.decode(jwk.n.as_deref()?).ok()?;
    let e = URL_SAFE_NO_PAD.decode(jwk.e.as_deref()?).ok()?;
    let rsa_key = tlv(0x30, &[integer(&n), integer(&e)].concat());
    // rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
    let algorithm = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            vec![0x05, 0x00],
        ]
        .concat(),
    );
    let bits = tlv(0x03, &[&[0u8][..], &rsa_key].concat());
    let spki = tlv(0x30, &[algorithm, bits].concat());
    let b64 = STANDARD.encode(spki);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).ok()?);
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    Some(pem)
}

/// A DER INTEGER of an unsigned big-endian number.
fn integer(bytes: &[u8]) -> Vec<u8> {
    let trimmed = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => &[0u8][..],
    };
    let mut value = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        value.push(0);
    }
    value.extend_from_slice(trimmed);
    tlv(0x02, &value)
}

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(value);
    out
}
