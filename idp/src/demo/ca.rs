//! The demo certificate authority and the certificates it issued. It is
//! made with esign's test CA, which only a build with the cargo feature
//! `demo` carries (scripts/demo, the tests); a default build trusts no demo
//! CA and says so.

#[cfg(feature = "demo")]
use super::accounts::CONFIRMED;
#[cfg(feature = "demo")]
use super::clinic::ORGANIZATIONS;

/// In demo mode with no CA configured, trusts the demo CA (see
/// [`demo_ca`]), so the demo certificates confirm identities and log in by
/// certificate. Returns lines describing its files; in a build without the
/// feature `demo`, a line saying there is none.
pub fn trust_demo_ca(config: &mut crate::config::Config) -> anyhow::Result<Vec<String>> {
    if !config.demo || !config.esign_ca_files.is_empty() {
        return Ok(Vec::new());
    }
    #[cfg(feature = "demo")]
    {
        let (ca, lines) = demo_ca(&config.data_dir)?;
        config.esign_ca_files.push(ca);
        Ok(lines)
    }
    #[cfg(not(feature = "demo"))]
    Ok(vec![
        "demo CA  none: this build has no test CA (build with `--features idp/demo`, as scripts/demo does)"
            .to_owned(),
    ])
}

/// The demo certificate authority under `<data_dir>/demo-ca/` (made on first
/// use, kept after): its certificate to trust, and certificates with keys for
/// `standard@demo.vhod` and `confirmed@demo.vhod` (to confirm the first by
/// signature and to log in to both by certificate, by hand), and two
/// organizations' certificates in the name of `confirmed@demo.vhod` as their
/// head (to try registering an organization by hand). Returns the CA
/// certificate's path and lines describing the files.
#[cfg(feature = "demo")]
pub fn demo_ca(data_dir: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, Vec<String>)> {
    use esign::testca::{Holder, KeyKind, TestCa};
    let dir = data_dir.join("demo-ca");
    std::fs::create_dir_all(&dir)?;
    let (ca_pem, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let ca = if ca_pem.exists() && ca_key.exists() {
        TestCa::load(
            &std::fs::read_to_string(&ca_pem)?,
            &std::fs::read_to_string(&ca_key)?,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", ca_pem.display()))?
    } else {
        let ca = TestCa::root("Демонстрационный УЦ Вход", KeyKind::P256)
            .map_err(|e| anyhow::anyhow!("demo CA: {e}"))?;
        std::fs::write(&ca_pem, ca.certificate_pem())?;
        crate::keyring::write_private_file(&ca_key, &ca.private_key_pem())
            .map_err(|e| anyhow::anyhow!("{}: {e}", ca_key.display()))?;
        ca
    };
    let mut lines = vec![format!(
        "demo CA  {} (trusted in demo mode)",
        ca_pem.display()
    )];
    let confirmed = || {
        Holder::person(
            "Подтверждёнов",
            "Иван Сергеевич",
            "11223344797",
            "770000000220",
        )
    };
    let clinic = &ORGANIZATIONS[0];
    let certificates = [
        (
            "standard",
            "standard@demo.vhod",
            Holder::person(
                "Стандартова",
                "Анна Ивановна",
                "11223344696",
                "770000000156",
            ),
        ),
        ("confirmed", CONFIRMED, confirmed()),
        // The seeded clinic in its head's name: registering it again is
        // refused as a duplicate OGRN.
        (
            "clinic",
            "the clinic, head confirmed@demo.vhod",
            Holder::organization(clinic.short_name, clinic.ogrn, clinic.inn, confirmed()),
        ),
        // An organization not yet registered: its head can register it at
        // /orgs/new by hand.
        (
            "company",
            "ООО «Ромашка» (not registered; OGRN 1027700000030, INN 7701000033), head confirmed@demo.vhod",
            Holder::organization("ООО «Ромашка»", "1027700000030", "7701000033", confirmed()),
        ),
    ];
    for (name, whose, holder) in certificates {
        let (cert, key) = (
            dir.join(format!("{name}.pem")),
            dir.join(format!("{name}.key")),
        );
        if !cert.exists() || !key.exists() {
            let issued = ca
                .issue(&holder)
                .map_err(|e| anyhow::anyhow!("demo certificate: {e}"))?;
            std::fs::write(&cert, &issued.certificate_pem)?;
            crate::keyring::write_private_file(&key, &issued.private_key_pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
        }
        lines.push(format!(
            "cert     {whose}: {} with key {}",
            cert.display(),
            key.display()
        ));
    }
    Ok((ca_pem, lines))
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ca_signs_what_it_trusts_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (ca, lines) = demo_ca(dir.path()).unwrap();
        assert_eq!(lines.len(), 5);
        let first = std::fs::read_to_string(&ca).unwrap();
        let (again, _) = demo_ca(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(again).unwrap(),
            first,
            "kept, not remade"
        );
        let anchors = esign::TrustAnchors::new([first.as_bytes()]).unwrap();
        let ca_dir = dir.path().join("demo-ca");
        let key = std::fs::read_to_string(ca_dir.join("standard.key")).unwrap();
        let (signature, _) = esign::sign_challenge(&key, "demo").unwrap();
        let signed = esign::SignedChallenge {
            certificate: std::fs::read(ca_dir.join("standard.pem")).unwrap(),
            intermediates: Vec::new(),
            signature,
        };
        let subject =
            esign::verify(&anchors, "demo", &signed, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(subject.snils.as_deref(), Some("11223344696"));
        assert_eq!(subject.surname.as_deref(), Some("Стандартова"));
        // The organization's certificate names it and its head.
        let key = std::fs::read_to_string(ca_dir.join("company.key")).unwrap();
        let (signature, _) = esign::sign_challenge(&key, "demo").unwrap();
        let signed = esign::SignedChallenge {
            certificate: std::fs::read(ca_dir.join("company.pem")).unwrap(),
            intermediates: Vec::new(),
            signature,
        };
        let subject =
            esign::verify(&anchors, "demo", &signed, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(subject.ogrn.as_deref(), Some("1027700000030"));
        assert_eq!(subject.inn_le.as_deref(), Some("7701000033"));
        assert_eq!(subject.snils.as_deref(), Some("11223344797"));
    }
}
