//! The person's own pages in English: “My data”, “Identity confirmation”,
//! “Security”.

use crate::http::i18n::{ConfirmTexts, ProfileTexts, SecurityTexts};

pub const PROFILE: ProfileTexts = ProfileTexts {
    level: "Account level",
    since: "since",
    contacts: "Contacts",
    in_force: "Data in force",
    checked: "Checked against the state registries. Portals receive this data until new data passes the check.",
    unchecked: "Given at registration and not checked.",
    pending: "New data being checked",
    refused: "New data did not pass the check",
    edit: "Change your data and send it to be checked",
    check_fields: "Check these fields:",
    edit_pending: "Change the data (the check will be cancelled)",
    optional: "(optional)",
    male: "Male",
    female: "Female",
    male_value: "male",
    female_value: "female",
    submit: "Send to be checked",
    new_level: "Portals see a new account level after you log out and log in again.",
    confirm_link: "Confirm your identity",
    check_pending: "Your data was sent to the state registries to be checked. Until the check ends, your previous data stays in force and the new data cannot be changed; the result comes as a message and shows here.",
    check_refused: |reasons| {
        format!(
            "The check failed: {reasons}. Your previous data stays in force. Correct the data and send it to be checked again."
        )
    },
    check_passed: "The check passed: your account is standard. Portals see the new level after your next login.",
    next_standard: "A standard account opens most services, such as booking a doctor. Fill in your SNILS and passport and send the data to be checked.",
    next_confirmed: "A confirmed account opens every service: medical records, an organization's office. Confirm your identity at a service centre with your passport, with a code sent by registered post, or with an electronic signature.",
};

pub const CONFIRM: ConfirmTexts = ConfirmTexts {
    title: "Identity confirmation",
    not_standard: "You can confirm your identity once your account is standard: fill in “My data” and wait for the check to pass.",
    already: "Your identity is confirmed: the account is confirmed, the highest level. There is nothing more to do.",
    done: "Your identity is confirmed: the account is now confirmed. Services will see the new level after you log in again.",
    intro: "A confirmed account opens every service. Choose a way.",
    centre: "At a service centre",
    centre_passport: "Take the passport given in “My data”",
    series_and_number: "series and number",
    centre_rest: " to any service centre. If your passport is new, first enter it in “My data” and wait for the check.",
    post: "With a code by post",
    letter_sent: |date| {
        format!(
            "A registered letter with a code was sent on {date}. The code is valid for 60 days."
        )
    },
    code: "Code from the letter",
    submit: "Confirm",
    address: "Postal address with the postcode",
    order: "Order a letter with a code",
    order_again: "Order a new letter",
    signature: "With an electronic signature",
    signature_intro: "Sign the request with a qualified electronic signature: the SNILS and the name in the certificate must match “My data”. The private key never leaves your computer.",
    signature_submit: "Confirm with the signature",
    signature_off: "Confirmation with an electronic signature is not set up on this server.",
    ordered: "A registered letter with a code was sent. When it arrives, enter the code below.",
};

pub const SECURITY: SecurityTexts = SecurityTexts {
    recovery_codes: "Recovery codes",
    recovery_codes_intro: "Keep these codes: each can be entered once instead of a code when your phone or app is out of reach. They will not be shown again.",
    second_factor: "Second factor",
    enabled: |method, left| format!("On: {method}. Unused recovery codes: {left}."),
    method_totp: |since| format!("a code from an authenticator app (since {since})"),
    method_sms: |since| format!("a code by SMS (since {since})"),
    code_needed: "This session began without the second factor: to turn off or change the second factor, or to get new recovery codes, enter a code from your app or a recovery code with your password — or log in again with a code.",
    password: "Password",
    factor_code: "Code from the app, or a recovery code",
    renew: "Get new recovery codes",
    disable: "Turn off the second factor",
    not_enabled: "Off: a password is enough to log in. With a second factor you enter a one-time code after the password, so a stolen password alone no longer lets anyone in.",
    app_title: "Setting up an app",
    app_intro: "Scan the QR code with an authenticator app (Yandex Key, Google Authenticator, FreeOTP and others) or type the key in.",
    key: "Key",
    app_code: "Code from the app",
    confirm_enable: "Confirm and turn on",
    sms_title: "Setting up codes by SMS",
    sms_intro: "We sent a code to your phone. Enter it to turn on login with a code by SMS.",
    sms_code: "Code from the SMS",
    change: "Change the second factor",
    enable: "Turn on a second factor",
    app: "Authenticator app",
    sms_to: "Codes by SMS to",
    sms_needs_phone: "Codes by SMS can be turned on once a mobile phone is added to the account and confirmed.",
    current_password: "Current password",
    new_password: "New password",
    new_password2: "New password again",
    password_hint: "Changing the password ends every other session.",
    change_password: "Change the password",
    password_missing: "Password: enter your account's password.",
    enabled_notice: "The second factor is on. From now on we ask for a code after the password. Every other session has ended.",
    disabled_notice: "The second factor is off.",
    renewed_notice: "The old recovery codes no longer work.",
    password_changed: "Your password is changed. Every other session has ended.",
};
