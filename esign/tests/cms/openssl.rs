//! The real `openssl` command line: keys, self-signed certificates and
//! signatures made exactly as a portal developer makes them.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tempfile::TempDir;

/// A realistic ESIA v2/v3 text: client_id + scope + timestamp + state +
/// redirect_uri.
pub const CONTENT: &str = "VHOD-PORTALopenid fullname2026.12.06 13:00:29 +0300\
                           3f2b6c1e-8c1a-4f5e-9d3b-1b2c3d4e5f60https://portal.example/callback";

/// Runs `openssl` with `args` in `dir`; panics with its stderr if it fails.
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command line runs");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// How the signature is made: the commands of the ESIA recommendations and
/// of the portal libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `openssl smime -sign -binary -md sha256 -outform DER`
    Smime,
    /// ... with `-noattr`
    SmimeNoAttr,
    /// `openssl cms -sign -binary -outform DER`
    Cms,
    /// ... with `-noattr`
    CmsNoAttr,
    /// ... with `-nocerts`
    CmsNoCerts,
    /// ... with `-noattr -nocerts`
    CmsNoAttrNoCerts,
    /// ... with `-keyid`: the signer named by subject key identifier.
    CmsKeyId,
}

impl Form {
    pub const ALL: [Form; 7] = [
        Form::Smime,
        Form::SmimeNoAttr,
        Form::Cms,
        Form::CmsNoAttr,
        Form::CmsNoCerts,
        Form::CmsNoAttrNoCerts,
        Form::CmsKeyId,
    ];

    fn args(self) -> Vec<&'static str> {
        match self {
            Form::Smime => vec!["smime", "-sign", "-binary", "-md", "sha256"],
            Form::SmimeNoAttr => vec!["smime", "-sign", "-binary", "-md", "sha256", "-noattr"],
            Form::Cms => vec!["cms", "-sign", "-binary"],
            Form::CmsNoAttr => vec!["cms", "-sign", "-binary", "-noattr"],
            Form::CmsNoCerts => vec!["cms", "-sign", "-binary", "-nocerts"],
            Form::CmsNoAttrNoCerts => vec!["cms", "-sign", "-binary", "-noattr", "-nocerts"],
            Form::CmsKeyId => vec!["cms", "-sign", "-binary", "-keyid"],
        }
    }
}

/// A key and its self-signed certificate, in a temporary directory.
pub struct Signer {
    dir: TempDir,
    name: String,
    /// Extra arguments for every openssl call (`-engine gost`).
    engine: Vec<&'static str>,
}

impl Signer {
    /// `openssl req -x509 -newkey <newkey> [-pkeyopt ...]`.
    pub fn new(newkey: &str, pkeyopts: &[&str]) -> Signer {
        Signer::make(newkey, pkeyopts, &[])
    }

    /// A key made with `openssl genpkey -algorithm`, for the GOST engine.
    #[cfg(feature = "gost")]
    pub fn genpkey(engine: &[&'static str], algorithm: &str, pkeyopts: &[&str]) -> Signer {
        let signer = Signer::empty(engine);
        let mut args = vec!["genpkey"];
        args.extend(engine);
        args.extend(["-algorithm", algorithm, "-out", "key.pem"]);
        for opt in pkeyopts {
            args.extend(["-pkeyopt", opt]);
        }
        openssl(signer.path(), &args);
        let mut req = vec!["req"];
        req.extend(engine);
        req.extend(["-x509", "-new", "-key", "key.pem"]);
        signer.finish_req(req, &[]);
        signer
    }

    /// Like [`Signer::new`], with extra `req` arguments (`-set_serial 7`).
    pub fn make(newkey: &str, pkeyopts: &[&str], req_args: &[&str]) -> Signer {
        let signer = Signer::empty(&[]);
        let mut args = vec!["req"];
        args.extend(["-x509", "-newkey", newkey, "-nodes", "-keyout", "key.pem"]);
        for opt in pkeyopts {
            args.extend(["-pkeyopt", opt]);
        }
        signer.finish_req(args, req_args);
        signer
    }

    fn empty(engine: &[&'static str]) -> Signer {
        Signer {
            dir: tempfile::tempdir().unwrap(),
            name: "Тестовый портал".into(),
            engine: engine.to_vec(),
        }
    }

    fn finish_req(&self, args: Vec<&str>, req_args: &[&str]) {
        let subject = format!("/C=RU/O=Вход/CN={}", self.name);
        let tail = [
            "-subj", &subject, "-utf8", "-days", "30", "-out", "cert.pem",
        ];
        let all: Vec<&str> = args
            .into_iter()
            .chain(tail)
            .chain(req_args.iter().copied())
            .collect();
        openssl(self.path(), &all);
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    pub fn cert_pem(&self) -> Vec<u8> {
        std::fs::read(self.file("cert.pem")).unwrap()
    }

    pub fn cert_der(&self) -> Vec<u8> {
        let mut args = vec!["x509"];
        args.extend(&self.engine);
        args.extend(["-in", "cert.pem", "-outform", "DER"]);
        openssl(self.path(), &args)
    }

    /// Signs `content` in `form`, with `extra` arguments (`-md sha384`);
    /// returns the DER.
    pub fn sign_with(&self, content: &[u8], form: Form, extra: &[&str]) -> Vec<u8> {
        std::fs::write(self.file("content"), content).unwrap();
        let mut args = form.args();
        args.extend(&self.engine);
        args.extend([
            "-in", "content", "-signer", "cert.pem", "-inkey", "key.pem", "-outform", "DER",
        ]);
        args.extend(extra);
        args.extend(["-out", "signature.der"]);
        openssl(self.path(), &args);
        std::fs::read(self.file("signature.der")).unwrap()
    }

    pub fn sign(&self, content: &[u8], form: Form) -> Vec<u8> {
        self.sign_with(content, form, &[])
    }

    /// Lets OpenSSL itself check a signature (`openssl cms -verify`), so a
    /// test knows the DER it feeds the crate is one OpenSSL accepts.
    pub fn openssl_verifies(&self, content: &[u8], der: &[u8]) -> bool {
        std::fs::write(self.file("check.content"), content).unwrap();
        std::fs::write(self.file("check.der"), der).unwrap();
        let mut args = vec!["cms", "-verify", "-binary", "-inform", "DER"];
        args.extend(&self.engine);
        args.extend([
            "-in",
            "check.der",
            "-content",
            "check.content",
            "-certfile",
            "cert.pem",
            "-noverify",
            "-out",
            "/dev/null",
        ]);
        Command::new("openssl")
            .args(&args)
            .current_dir(self.path())
            .output()
            .unwrap()
            .status
            .success()
    }
}

/// The client_secret as ESIA clients send it: base64url without padding.
pub fn base64url(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(der)
}

/// Whether this machine's OpenSSL has the GOST engine (Debian's
/// `libengine-gost-openssl`).
pub fn gost_engine() -> bool {
    Command::new("openssl")
        .args(["engine", "gost"])
        .output()
        .is_ok_and(|out| out.status.success())
}
