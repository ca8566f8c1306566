//! The shapes of the catalogue's page groups (fields of [`super::Texts`]).

/// Texts of the registration pages.
pub struct RegisterTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub submit: &'static str,
    pub have_account: &'static str,
    pub code_sent: &'static str,
    pub code: &'static str,
    pub next: &'static str,
    pub resend_code: &'static str,
    pub link_sent: &'static str,
    pub link_hint: &'static str,
    pub resend_link: &'static str,
    pub sent_again: &'static str,
    pub password_intro: &'static str,
    pub password: &'static str,
    pub password2: &'static str,
    pub password_rules: &'static str,
    pub create: &'static str,
    pub done: &'static str,
    pub done_next: &'static str,
    pub to_account: &'static str,
    pub gone: &'static str,
    pub again: &'static str,
    pub confirm_link: &'static str,
    pub wrong_code: &'static str,
    pub code_spent: &'static str,
    pub link_spent: &'static str,
    /// The e-mail link opened a second time.
    pub link_used: &'static str,
    /// The first tab, after the e-mail link was opened elsewhere: not yet
    /// finished there, and finished.
    pub elsewhere: &'static str,
    pub finished: &'static str,
    /// On the «check your e-mail» page: look whether the link was opened.
    pub check_link: &'static str,
    pub log_in: &'static str,
    /// How long until a new code can be sent (seconds).
    pub too_soon: fn(i64) -> String,
    pub limited: &'static str,
    pub limited_everyone: &'static str,
    pub passwords_differ: &'static str,
    pub taken: &'static str,
    pub too_short: &'static str,
    pub too_long: &'static str,
    pub missing_class: &'static str,
    pub bad_character: &'static str,
    /// A Cyrillic letter in the password: the keyboard layout.
    pub cyrillic: &'static str,
}

/// Texts of the certificate login page.
pub struct CertificateTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub challenge: &'static str,
    pub certificate_file: &'static str,
    pub key_file: &'static str,
    pub certificate: &'static str,
    pub signature: &'static str,
    pub submit: &'static str,
    pub without_browser: &'static str,
    pub without_browser_steps: &'static str,
    pub demo: &'static str,
    pub password_link: &'static str,
    pub off: &'static str,
    pub wrong: &'static str,
    pub stale: &'static str,
    pub certificate_missing: &'static str,
    pub signature_missing: &'static str,
    /// What the signing script says when it signed (then the algorithm).
    pub signed: &'static str,
    /// What it says when it could not sign (then why).
    pub sign_failed: &'static str,
}

/// «Мои данные» (`/account`).
pub struct ProfileTexts {
    pub level: &'static str,
    pub since: &'static str,
    pub contacts: &'static str,
    pub in_force: &'static str,
    pub checked: &'static str,
    pub unchecked: &'static str,
    /// Whether a contact (phone, e-mail) is confirmed.
    pub contact_verified: &'static str,
    pub contact_unverified: &'static str,
    /// Where one field of the data in force stands.
    pub field_checked: &'static str,
    pub field_unchecked: &'static str,
    pub field_pending: &'static str,
    /// A new value of the field is being checked.
    pub field_new: &'static str,
    /// A field with no value in force (a new one is being checked).
    pub field_none: &'static str,
    pub pending: &'static str,
    pub refused: &'static str,
    pub edit: &'static str,
    pub check_fields: &'static str,
    pub edit_pending: &'static str,
    pub optional: &'static str,
    /// The choices of the gender field.
    pub male: &'static str,
    pub female: &'static str,
    /// The gender as the data in force shows it.
    pub male_value: &'static str,
    pub female_value: &'static str,
    pub submit: &'static str,
    pub new_level: &'static str,
    pub confirm_link: &'static str,
    /// Where the account stands, what the next level gives and how to get it.
    pub check_pending: &'static str,
    pub check_refused: fn(reasons: &str) -> String,
    pub check_passed: &'static str,
    pub next_standard: &'static str,
    pub next_confirmed: &'static str,
}

/// «Подтверждение личности» (`/account/confirm`).
pub struct ConfirmTexts {
    pub title: &'static str,
    pub not_standard: &'static str,
    /// The account is confirmed already: nothing to do here.
    pub already: &'static str,
    /// After a confirmation, on «Мои данные».
    pub done: &'static str,
    pub intro: &'static str,
    pub centre: &'static str,
    pub centre_passport: &'static str,
    pub series_and_number: &'static str,
    pub centre_rest: &'static str,
    pub post: &'static str,
    pub letter_sent: fn(date: &str) -> String,
    pub code: &'static str,
    pub submit: &'static str,
    pub address: &'static str,
    pub order: &'static str,
    pub order_again: &'static str,
    pub signature: &'static str,
    pub signature_intro: &'static str,
    pub signature_submit: &'static str,
    pub signature_off: &'static str,
    pub ordered: &'static str,
}

/// «Безопасность» (`/account/security`).
pub struct SecurityTexts {
    /// Before the methods: pick one, and the password confirms it.
    pub choose: &'static str,
    pub app_about: &'static str,
    pub enable_app: &'static str,
    pub enable_sms: &'static str,
    pub recovery_codes: &'static str,
    pub recovery_codes_intro: &'static str,
    pub second_factor: &'static str,
    pub enabled: fn(method: &str, codes_left: u32) -> String,
    pub method_totp: fn(since: &str) -> String,
    pub method_sms: fn(since: &str) -> String,
    pub code_needed: &'static str,
    pub password: &'static str,
    pub factor_code: &'static str,
    pub renew: &'static str,
    pub disable: &'static str,
    pub not_enabled: &'static str,
    pub app_title: &'static str,
    pub app_intro: &'static str,
    pub key: &'static str,
    pub app_code: &'static str,
    pub confirm_enable: &'static str,
    pub sms_title: &'static str,
    pub sms_intro: &'static str,
    pub sms_code: &'static str,
    pub change: &'static str,
    pub enable: &'static str,
    pub app: &'static str,
    pub sms_to: &'static str,
    pub sms_needs_phone: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub new_password2: &'static str,
    pub password_hint: &'static str,
    pub change_password: &'static str,
    pub password_missing: &'static str,
    pub enabled_notice: &'static str,
    pub disabled_notice: &'static str,
    pub renewed_notice: &'static str,
    pub password_changed: &'static str,
}

/// «Восстановление пароля» (`/recover`).
pub struct RecoverTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub login: &'static str,
    pub get_code: &'static str,
    pub sent: &'static str,
    pub no_contact: &'static str,
    pub code: &'static str,
    pub new_password: &'static str,
    pub rules: &'static str,
    pub new_password2: &'static str,
    pub change: &'static str,
    pub again: &'static str,
    pub done: &'static str,
    pub log_in: &'static str,
    pub login_missing: &'static str,
}

/// «Организации» (`/orgs`), an organization's pages, its journal and the registration of one.
pub struct OrgsTexts {
    pub none: &'static str,
    pub invitations: &'static str,
    pub invites_you: &'static str,
    pub roles: &'static str,
    pub invited_by: &'static str,
    pub valid_until: &'static str,
    pub accept: &'static str,
    pub mine: &'static str,
    pub register: &'static str,
    pub register_hint: &'static str,
    pub new_title: &'static str,
    pub not_confirmed: &'static str,
    pub not_confirmed_link: &'static str,
    pub not_confirmed_rest: &'static str,
    pub new_intro: &'static str,
    pub kpp_hint: &'static str,
    pub medical_box: &'static str,
    /// A refused form kept the certificate and signature: whose it is,
    /// that nothing needs choosing again, and how to choose another.
    pub certificate_chosen: &'static str,
    pub certificate_kept: &'static str,
    pub replace_certificate: &'static str,
    /// The submit button when the application is already signed.
    pub register_signed: &'static str,
    pub sign_and_register: &'static str,
    pub off: &'static str,
    /// The title of an organization's page.
    pub title: &'static str,
    pub medical: &'static str,
    pub your_roles: &'static str,
    pub staff: &'static str,
    pub medical_worker: &'static str,
    pub save_roles: &'static str,
    pub remove: &'static str,
    pub pending: &'static str,
    pub valid_until_lower: &'static str,
    pub invite: &'static str,
    pub snils_hint: &'static str,
    pub specialty_for: &'static str,
    pub invite_submit: &'static str,
    pub journal: &'static str,
    pub all: &'static str,
    pub registered: &'static str,
    pub joined: &'static str,
    pub invited: &'static str,
    pub changed: &'static str,
    pub refused_hint: &'static str,
    pub journal_intro: &'static str,
    pub to_org: &'static str,
}

/// The home page (`/`): the person's account at a glance, and the pages
/// of the account.
pub struct HomeTexts {
    pub title: &'static str,
    /// Before the person's given names: «Здравствуйте, Анна Петровна».
    pub hello: &'static str,
    pub level: &'static str,
    /// What raises the level next.
    pub next: fn(crate::accounts::levels::NextStep) -> &'static str,
    /// The link that takes the next step.
    pub fill_in: &'static str,
    pub fix: &'static str,
    pub see_check: &'static str,
    pub confirm: &'static str,
    pub sections: &'static str,
    pub about_profile: &'static str,
    pub about_security: &'static str,
    pub about_sessions: &'static str,
    pub about_consents: &'static str,
    pub about_orgs: &'static str,
    /// The account nav: the home page and «Выйти».
    pub nav_home: &'static str,
    pub nav_logout: &'static str,
    /// A page without a portal to return to: the way to the home page.
    pub to_home: &'static str,
    /// After logging out.
    pub login_again: &'static str,
}
