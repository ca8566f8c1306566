//! What the provider's `error_description` says, in a form the pages can
//! put in words. Vhod's descriptions are documented ASCII sentences
//! (docs/errors.md); the ones that name what is missing are read here,
//! and anything else stays `Other`.

use crate::person::Level;

/// Why the provider sent the person back without a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderReason {
    /// The person pressed «Отказать» on the consent page.
    Declined,
    /// The portal asked for a higher account level than the account has:
    /// "the portal requires a `confirmed` account; this account is `standard`".
    Level {
        needed: Level,
        has: Level,
    },
    /// The login needs a stronger way in than the account has:
    /// "this account cannot authenticate at `urn:vhod:aal2`".
    StrongerLogin,
    Other,
}

impl ProviderReason {
    pub fn read(error: &str, description: &str) -> Self {
        match error {
            "access_denied" if description.contains("declined") => Self::Declined,
            "access_denied" => level(description).unwrap_or(Self::Other),
            "unmet_authentication_requirements" if description.contains("cannot authenticate") => {
                Self::StrongerLogin
            }
            _ => Self::Other,
        }
    }
}

/// The two levels between backticks of "requires a `X` account; this
/// account is `Y`".
fn level(description: &str) -> Option<ProviderReason> {
    let (_, rest) = description.split_once("requires a `")?;
    let (needed, rest) = rest.split_once('`')?;
    let (_, rest) = rest.split_once("account is `")?;
    let (has, _) = rest.split_once('`')?;
    Some(ProviderReason::Level {
        needed: Level::parse(needed)?,
        has: Level::parse(has)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_descriptions_are_read() {
        assert_eq!(
            ProviderReason::read(
                "access_denied",
                "the portal requires a `confirmed` account; this account is `standard`"
            ),
            ProviderReason::Level {
                needed: Level::Confirmed,
                has: Level::Standard
            }
        );
        assert_eq!(
            ProviderReason::read("access_denied", "the person declined to share the data"),
            ProviderReason::Declined
        );
        assert_eq!(
            ProviderReason::read(
                "unmet_authentication_requirements",
                "this account cannot authenticate at `urn:vhod:aal2`"
            ),
            ProviderReason::StrongerLogin
        );
        assert_eq!(
            ProviderReason::read("access_denied", "requires a `gold` account"),
            ProviderReason::Other
        );
    }
}
