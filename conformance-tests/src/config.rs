//! What the suite needs to know about the provider under test.

/// A registered client of the provider under test.
#[derive(Debug, Clone)]
pub struct ClientCreds {
    pub id: String,
    /// `None` for a public client.
    pub secret: Option<String>,
}

/// Field names of the provider's login and consent forms. The defaults
/// follow Vhod's UI-automation contract; other providers set their own.
#[derive(Debug, Clone)]
pub struct FormFields {
    pub login: String,
    pub password: String,
    /// The consent form's button name and the value that allows.
    pub consent_name: String,
    pub consent_allow: String,
}

impl Default for FormFields {
    fn default() -> Self {
        Self {
            login: "login".into(),
            password: "password".into(),
            consent_name: "decision".into(),
            consent_allow: "allow".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SuiteConfig {
    pub issuer: String,
    pub client: ClientCreds,
    pub client2: Option<ClientCreds>,
    pub public_client: Option<ClientCreds>,
    pub redirect_uri: String,
    pub post_logout_redirect_uri: Option<String>,
    pub login: String,
    pub password: String,
    pub forms: FormFields,
    /// Run only modules whose name contains one of these.
    pub only: Vec<String>,
    /// An ESIA-mode client, for the `esia` module set (skipped without).
    pub esia: Option<EsiaClient>,
}

/// A client registered with the provider's ESIA mode: the key and
/// certificate it signs its requests with (`openssl cms` signs them).
#[derive(Debug, Clone)]
pub struct EsiaClient {
    pub id: String,
    pub key_file: std::path::PathBuf,
    pub cert_file: std::path::PathBuf,
    /// The `iss` its tokens must carry.
    pub issuer: String,
}
