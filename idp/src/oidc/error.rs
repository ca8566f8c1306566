//! Protocol errors, with the exact codes of RFC 6749 §4.1.2.1 / §5.2,
//! OpenID Connect Core §3.1.2.6, RFC 6750 §3.1 and RFC 7009 §2.2.1.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    AccountSelectionRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    RegistrationNotSupported,
    InvalidToken,
    InsufficientScope,
    UnsupportedTokenType,
    UnmetAuthenticationRequirements,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidRequest => "invalid_request",
            InvalidClient => "invalid_client",
            InvalidGrant => "invalid_grant",
            UnauthorizedClient => "unauthorized_client",
            UnsupportedGrantType => "unsupported_grant_type",
            UnsupportedResponseType => "unsupported_response_type",
            InvalidScope => "invalid_scope",
            AccessDenied => "access_denied",
            ServerError => "server_error",
            TemporarilyUnavailable => "temporarily_unavailable",
            LoginRequired => "login_required",
            ConsentRequired => "consent_required",
            InteractionRequired => "interaction_required",
            AccountSelectionRequired => "account_selection_required",
            RequestNotSupported => "request_not_supported",
            RequestUriNotSupported => "request_uri_not_supported",
            RegistrationNotSupported => "registration_not_supported",
            InvalidToken => "invalid_token",
            InsufficientScope => "insufficient_scope",
            UnsupportedTokenType => "unsupported_token_type",
            UnmetAuthenticationRequirements => "unmet_authentication_requirements",
        }
    }

    /// ESIA's code for this error, which an ESIA-mode flow puts in front of
    /// `error_description` (docs/errors.md, «ESIA»). The ESIA endpoints'
    /// own refusals (signature, timestamp, client) name theirs directly.
    pub fn esia(self) -> &'static str {
        use ErrorCode::*;
        match self {
            AccessDenied
            | LoginRequired
            | ConsentRequired
            | InteractionRequired
            | AccountSelectionRequired
            | UnmetAuthenticationRequirements => "ESIA-007004",
            InvalidClient | UnauthorizedClient => "ESIA-007005",
            InvalidGrant => "ESIA-007012",
            InvalidScope => "ESIA-007013",
            InvalidToken => "ESIA-007021",
            InsufficientScope => "ESIA-007022",
            ServerError | TemporarilyUnavailable => "ESIA-007008",
            InvalidRequest
            | UnsupportedGrantType
            | UnsupportedResponseType
            | RequestNotSupported
            | RequestUriNotSupported
            | RegistrationNotSupported
            | UnsupportedTokenType => "ESIA-007014",
        }
    }

    /// The HTTP status when the error is returned directly (not redirected).
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => 401,
            ErrorCode::InsufficientScope => 403,
            ErrorCode::ServerError => 500,
            ErrorCode::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }
}

/// An OAuth error with a safe, specific description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: ErrorCode,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, description)
    }

    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidClient, description)
    }

    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidToken, description)
    }

    /// A store or key failure: details go to the log, not to the client.
    pub fn server_error(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            ErrorCode::TemporarilyUnavailable,
            "the server could not complete the request; try again",
        )
    }
}

impl OAuthError {
    /// This error as an ESIA-mode portal gets it: ESIA's code in front of
    /// the description (`ESIA-007004: …`), unless it has one already.
    pub fn in_esia_dialect(mut self) -> Self {
        if !self.description.starts_with("ESIA-") {
            self.description = format!("{}: {}", self.code.esia(), self.description);
        }
        self
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.description)
    }
}

impl From<crate::store::StoreError> for OAuthError {
    fn from(e: crate::store::StoreError) -> Self {
        OAuthError::server_error(e)
    }
}
