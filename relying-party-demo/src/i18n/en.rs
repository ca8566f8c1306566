//! The English texts: plain English, for an English browser or the switch.

use super::*;

pub static EN: Texts = Texts {
    lang: Lang::En,
    other: Lang::Ru,
    other_name: "Русский",
    brand: "Medkabinet",
    brand_first: "Med",
    brand_second: "kabinet",
    sections: "Sections",
    nav_health: "My health",
    nav_staff: "Clinic staff",
    nav_medical_worker: "Medical workers",
    logout: "Log out",
    switch_org: "Change organization",
    someone: "User",
    home: HomeTexts {
        title: "Home",
        heading: "Medical cabinet",
        intro: "Book a doctor, read your medical documents and test results, and open the clinic staff's and medical workers' pages — with your Gosuslugi account.",
        go: "Go to “My health”",
        login: "Log in with Gosuslugi",
        levels: "What each account level opens",
        level: "Level",
        opens: "What it opens",
        simplified: "reference information: clinics, doctors, visiting hours",
        standard: "the same, and booking a doctor",
        confirmed: "the same, medical documents and test results, the clinic staff's pages (by your role in the organization) and the medical worker's page (by your entry in the register of medical workers)",
        raise: "You raise your level in your Gosuslugi profile; the cabinet sees it after you log in again.",
    },
    hello: "Hello",
    your_level: "Account level:",
    open: "Open",
    closed: "Closed.",
    booking: BookingTexts {
        mine: "My appointments",
        none: "No appointments yet.",
        room_short: "room",
        cancel: "Cancel the appointment",
        new: "New appointment",
        doctor: "Doctor",
        show_days: "Show visiting days",
        room: "room",
        hours: "Visiting hours:",
        no_days: "This doctor has no visiting hours in the next two weeks. Choose another doctor.",
        day: "Day",
        time: "Time",
        submit: "Book",
        choose_doctor: "Choose a doctor from the list.",
        taken: "This time is already taken — choose another.",
        booked: |day, time| format!("You are booked: {day}, {time}."),
        not_then_rest: |hours| {
            format!("sees patients {hours}. Choose a day and a time from the list.")
        },
    },
    records: RecordsTexts {
        none: "No documents yet.",
        date: "Date",
        document: "Document",
        content: "Content",
        result: "Test result:",
    },
    clinic: ClinicTexts {
        doctor: "Doctor",
        specialty: "Specialty",
        room: "Room",
        visiting_hours: "Visiting hours",
        opening_hours: "Opening hours",
        address: "Address",
        phone: "Phone",
    },
    staff: StaffTexts {
        title: "Clinic staff",
        heading: "Clinic staff",
        acting_for: "You act on behalf of",
        ogrn: "OGRN",
        inn: "INN",
        your_roles: "Your roles:",
        doctors: "Doctors",
        settings: "Settings",
        per_doctor: "Visits per doctor",
        per_day: "Visits per day",
        visits: "Visits",
        day: "Day",
        schedule_title: "My schedule",
        no_visits: "No one is booked with you.",
        date: "Date",
        time: "Time",
        patient: "Patient",
    },
    worker: WorkerTexts {
        found: "You are in the Federal Register of Medical Workers (FRMR).",
        full_name: "Full name",
        birthdate: "Date of birth",
        snils: "SNILS",
        specialty: "Specialty",
        position: "Position",
        organization: "Organization",
        accreditation: "Accreditation",
        accreditation_text: "You can apply for periodic accreditation as a specialist.",
        not_found: "You are not in the register",
        not_found_text: "The Federal Register of Medical Workers (FRMR) has no entry with your SNILS. What to do:",
        not_found_steps: [
            "Check the data in your Gosuslugi profile: full name, date of birth, SNILS, INN. A typo or an extra space keeps you from being found.",
            "Make sure you are in the register. If you are not, ask the HR department of your medical organization to add you.",
            "If your data is right and you are still not found, write to Gosuslugi support with a screenshot and a document showing that you are a medical worker.",
        ],
        then_login: "Once it is fixed, log in to the cabinet again.",
        missing: "Data missing:",
        missing_text: |field| {
            format!("Gosuslugi did not pass the cabinet your {field}. Fill it in in your")
        },
        missing_profile: "Gosuslugi profile",
        missing_rest: ", allow sharing it when you log in, and log in again.",
        relogin: "Log in again",
        differs: "Data does not match:",
        in_register: "In the register:",
        at_provider: "At Gosuslugi:",
        fix_profile: "If your Gosuslugi profile is wrong, correct it in your",
        fix_profile_link: "profile",
        fix_profile_rest: "and wait for the check.",
        fix_register: "If the register is wrong, contact the HR department of your medical organization.",
    },
    refused: RefusedTexts {
        title: "No access",
        level_heading: "Account level too low",
        org_heading: "Log in on behalf of an organization",
        not_ours_heading: "This cabinet does not serve this organization",
        role_heading: "Role missing",
        level_needs: |area| format!("“{area}” needs a"),
        level_has: "account; yours is",
        how_to_raise: "How to raise your level:",
        raise: "Raise your level in your Gosuslugi profile",
        raised: "Done already?",
        relogin: "Log in again",
        raised_rest: "and the cabinet will see your new level.",
        private: |area| {
            format!("“{area}” is for the clinic's staff, and you logged in as a private person.")
        },
        choose_org: "Log in again and choose the organization you act for.",
        as_org: "Log in on behalf of an organization",
        no_orgs: "Gosuslugi does not pass organizations to the cabinet yet.",
        not_ours: "You act on behalf of",
        not_ours_rest: "The cabinet serves its own clinics only; staff of other organizations can open nothing here.",
        not_ours_hint: "If you also work at one of the clinics, log in on its behalf.",
        switch: "Change organization",
        role_needs: |area, roles| format!("“{area}” needs the role {roles} in"),
        roles_are: "Your roles:",
        no_roles: "You have no roles there.",
        role_elsewhere: "You have this role in",
        as_other: "Log in on behalf of the other organization",
        ask_admin: "Roles are given by the organization's administrator at Gosuslugi, under “Organizations”. Ask them for the role, then log in to the cabinet again.",
        back: "Back to “My health”",
        raise_steps,
    },
    errors: ErrorTexts {
        home: "Home page",
        support: "For support: Gosuslugi answered",
        relogin: "Log in again",
        not_found: "Page not found",
        not_found_text: "The cabinet has no such page.",
        unavailable: "The cabinet is unavailable",
        unavailable_text: "Try again in a few minutes.",
        login,
        level_text: |needed, has| {
            format!(
                "The cabinet needs a {} account; yours is {}.",
                level(needed),
                level(has)
            )
        },
        raise: "Raise your level in your Gosuslugi profile",
        enable_code: "Turn on login with a code",
    },
    say: Say {
        level,
        role,
        area,
        field,
        needs_level: |needed| format!("Needs a {} account.", level(needed)),
        needs_org: "Needs a login on behalf of an organization.",
        needs_our_clinic: "Needs a login on behalf of a clinic this cabinet serves.",
        needs_role: |roles| format!("Needs the role {roles}."),
        term,
        or: " or ",
        quote: |s| format!("“{s}”"),
    },
};

fn level(level: Level) -> &'static str {
    match level {
        Level::Simplified => "simplified",
        Level::Standard => "standard",
        Level::Confirmed => "confirmed",
    }
}

/// The provider's English words.
fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Manager => "manager",
        Role::Specialist => "specialist",
        Role::Other => "another role",
    }
}

fn area(area: Area) -> &'static str {
    match area {
        Area::Reference => "Reference information",
        Area::Appointments => "Book a doctor",
        Area::Records => "Medical documents and test results",
        Area::StaffEmployees => "Staff and settings",
        Area::StaffReports => "Reports",
        Area::StaffSchedule => "My schedule and patients",
        Area::MedicalWorker => "Medical worker's page",
    }
}

fn field(field: Field) -> &'static str {
    match field {
        Field::Snils => "SNILS",
        Field::FamilyName => "surname",
        Field::GivenName => "first name",
        Field::MiddleName => "patronymic",
        Field::Birthdate => "date of birth",
    }
}

/// The demo's specialties and positions; anything else shows as stored.
fn term(value: &str) -> Option<&'static str> {
    Some(match value.trim() {
        "терапевт" | "врач-терапевт" => "general practitioner",
        "врач-терапевт участковый" => "district general practitioner",
        "терапия" => "general medicine",
        "кардиолог" => "cardiologist",
        "офтальмолог" => "ophthalmologist",
        "педиатр" => "paediatrician",
        "сестринское дело" => "nursing",
        "медицинская сестра" => "nurse",
        _ => return None,
    })
}

fn raise_steps(needed: Level, has: Level) -> Vec<&'static str> {
    let mut steps = Vec::new();
    if has == Level::Simplified {
        steps.push("Fill in your passport and SNILS under “My data” at Gosuslugi and wait for the check: your account becomes standard.");
    }
    if needed == Level::Confirmed {
        steps.push(
            "Confirm your identity: at a service centre, with a code sent by post, or with an electronic signature.",
        );
    }
    steps.push("Come back to the cabinet and log in again: the cabinet sees a new level only after a new login.");
    steps
}

fn login(failure: Failure) -> (&'static str, &'static str) {
    match failure {
        Failure::NotThisLogin => (
            "This answer from Gosuslugi is not for this login",
            "The login link has expired, was opened in another browser, or was used twice.",
        ),
        Failure::Exchange => (
            "Could not finish logging in",
            "Gosuslugi did not accept the login code: it was already used or has expired.",
        ),
        Failure::IdToken => (
            "The answer from Gosuslugi failed the check",
            "Its signature or content is wrong, so the login was refused to keep you safe. Please tell the cabinet's support.",
        ),
        Failure::UserInfo => (
            "Could not get your data",
            "Gosuslugi did not pass your profile data.",
        ),
        Failure::Discovery => (
            "Gosuslugi is unavailable",
            "The cabinet cannot reach Gosuslugi. Try to log in again in a few minutes.",
        ),
        Failure::Refresh => ("Your session has ended", "Access to your data has ended."),
        Failure::Declined => (
            "You did not allow sharing your data with the cabinet",
            "Without your data the cabinet cannot open your medical record. Log in again and press “Allow” on the Gosuslugi page.",
        ),
        Failure::Level => ("Account level too low", ""),
        Failure::Denied => (
            "Access not granted",
            "Gosuslugi did not allow this login. If you pressed “Deny”, log in again and allow sharing your data.",
        ),
        Failure::LoginRequired => (
            "Please log in again",
            "Gosuslugi asks you to log in again: your previous login has ended or your account level has changed.",
        ),
        Failure::Interaction => (
            "Gosuslugi needs you to do something",
            "To go on, log in again and follow the steps on the Gosuslugi page.",
        ),
        Failure::StrongerLogin => (
            "A login with a code is needed",
            "This login needs something stronger than a password — a code from an app or by SMS — and your account has none set up.",
        ),
        Failure::ProviderBusy => (
            "Gosuslugi cannot log you in right now",
            "Try to log in again in a minute.",
        ),
        Failure::ProviderRefused => (
            "Gosuslugi refused the login",
            "The login failed because of an error in the cabinet's request. Tell the cabinet's support the error code below.",
        ),
    }
}
