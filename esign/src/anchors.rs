//! Trusted CAs and CRLs from the configuration, and path validation with
//! `rustls-webpki`.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor, UnixTime};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, KeyUsage, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::error::{CertError, Part};

/// The CAs whose certificates the provider accepts, and optionally their CRLs.
///
/// Built once from the configuration and shared; cheap to use for every check.
#[derive(Debug)]
pub struct TrustAnchors {
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertRevocationList<'static>>,
}

impl TrustAnchors {
    /// Trusts the given CA certificates. Each item is PEM text (one or more
    /// `CERTIFICATE` blocks) or one DER certificate. At least one is needed.
    pub fn new<I, B>(ca_certificates: I) -> Result<Self, CertError>
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let mut anchors = Vec::new();
        for item in ca_certificates {
            for der in certificates(item.as_ref(), Part::TrustedCa)? {
                let anchor = webpki::anchor_from_trusted_cert(&der)
                    .map_err(|e| CertError::malformed(Part::TrustedCa, e))?;
                anchors.push(anchor.to_owned());
            }
        }
        if anchors.is_empty() {
            return Err(CertError::malformed(
                Part::TrustedCa,
                "no CA certificate given",
            ));
        }
        Ok(TrustAnchors {
            anchors,
            crls: Vec::new(),
        })
    }

    /// Adds CRLs, each PEM text (one or more `X509 CRL` blocks) or one DER CRL.
    ///
    /// Once any CRL is configured, every certificate on a path (the signer's and
    /// each intermediate's, not the trusted CA's) must be covered by a CRL of
    /// its issuer that verifies and whose nextUpdate has not passed; otherwise
    /// [`CertError::RevocationUnknown`]. Refreshing the files is the operator's job.
    pub fn with_crls<I, B>(mut self, crls: I) -> Result<Self, CertError>
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        for item in crls {
            let item = item.as_ref();
            let ders = if is_pem(item) {
                CertificateRevocationListDer::pem_slice_iter(item)
                    .map(|der| der.map_err(|e| CertError::malformed(Part::Crl, e)))
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                vec![CertificateRevocationListDer::from(item.to_vec())]
            };
            if ders.is_empty() {
                return Err(CertError::malformed(Part::Crl, "no X509 CRL block in PEM"));
            }
            for der in ders {
                let crl = OwnedCertRevocationList::from_der(&der)
                    .map_err(|e| CertError::malformed(Part::Crl, e))?;
                self.crls.push(crl.into());
            }
        }
        Ok(self)
    }

    /// Whether revocation is checked, i.e. whether any CRL is configured.
    pub fn checks_revocation(&self) -> bool {
        !self.crls.is_empty()
    }

    /// Path validation of an end-entity certificate whose own dates and key
    /// usage the caller has already checked.
    pub(crate) fn verify_path(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<(), CertError> {
        let cert = EndEntityCert::try_from(end_entity)
            .map_err(|e| CertError::malformed(Part::Certificate, e))?;
        let crls: Vec<&CertRevocationList<'_>> = self.crls.iter().collect();
        let revocation = RevocationOptionsBuilder::new(&crls).ok().map(|options| {
            options
                .with_depth(RevocationCheckDepth::Chain)
                .with_status_policy(UnknownStatusPolicy::Deny)
                .with_expiration_policy(ExpirationPolicy::Enforce)
                .build()
        });
        cert.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &self.anchors,
            intermediates,
            now,
            // No EKU extension is fine; when there is one it must list clientAuth.
            KeyUsage::client_auth(),
            revocation,
            None,
        )
        .map(|_| ())
        .map_err(path_error)
    }
}

/// Maps webpki's reasons to ours. The signer's own dates were checked before,
/// so an expiry seen here belongs to a CA certificate: the path is untrusted.
fn path_error(e: webpki::Error) -> CertError {
    use webpki::Error as E;
    match e {
        E::CertRevoked => CertError::Revoked,
        E::UnknownRevocationStatus
        | E::CrlExpired { .. }
        | E::InvalidCrlSignatureForPublicKey
        | E::IssuerNotCrlSigner
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_)
        | E::UnsupportedCrlIssuingDistributionPoint
        | E::UnsupportedRevocationReasonsPartitioning => CertError::RevocationUnknown {
            detail: e.to_string(),
        },
        E::RequiredEkuNotFoundContext(_) => CertError::ExtendedKeyUsage,
        other => CertError::Untrusted {
            detail: other.to_string(),
        },
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(10).any(|w| w == b"-----BEGIN")
}

/// The certificates in `bytes`: PEM text with `CERTIFICATE` blocks, or one DER
/// certificate. Syntax only; the content is read later.
pub(crate) fn certificates(
    bytes: &[u8],
    what: Part,
) -> Result<Vec<CertificateDer<'static>>, CertError> {
    if !is_pem(bytes) {
        if bytes.is_empty() {
            return Err(CertError::malformed(what, "empty"));
        }
        return Ok(vec![CertificateDer::from(bytes.to_vec())]);
    }
    let ders = CertificateDer::pem_slice_iter(bytes)
        .map(|der| der.map_err(|e| CertError::malformed(what, e)))
        .collect::<Result<Vec<_>, _>>()?;
    if ders.is_empty() {
        return Err(CertError::malformed(what, "no CERTIFICATE block in PEM"));
    }
    Ok(ders)
}
