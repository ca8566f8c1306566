//! The home page in English.

use crate::accounts::levels::NextStep;
use crate::http::i18n::HomeTexts;

pub const HOME: HomeTexts = HomeTexts {
    title: "My account",
    hello: "Hello,",
    level: "Account level",
    next,
    fill_in: "Fill in your data",
    fix: "Correct your data",
    see_check: "See your data",
    confirm: "Confirm your identity",
    sections: "Sections",
    about_profile: "your name, passport, SNILS and their check against the state registries",
    about_security: "password, logging in with a code by SMS or from an app, recovery codes",
    about_sessions: "where you are logged in now, and ending sessions",
    about_consents: "which services you allowed to receive your data",
    about_orgs: "the organizations you work for, invitations, registering an organization",
    nav_home: "Home",
    nav_logout: "Log out",
    to_home: "Go to the home page",
    login_again: "Log in again",
};

fn next(step: NextStep) -> &'static str {
    match step {
        NextStep::SendForCheck => {
            "A standard account opens most services, such as booking a doctor. Fill in your SNILS and passport under “My data” and send them to be checked."
        }
        NextStep::AwaitCheck => {
            "Your data are being checked against the state registries. You will get a message, and the result will show under “My data”."
        }
        NextStep::FixRefused => {
            "Your data did not pass the check against the state registries. Correct them under “My data” and send them again."
        }
        NextStep::Confirm => {
            "A confirmed account opens every service: medical records, working for an organization. Confirm your identity at a service centre, with the code from a registered letter, or with an electronic signature."
        }
        NextStep::Highest => "This is the highest level: every service is open to you.",
    }
}
