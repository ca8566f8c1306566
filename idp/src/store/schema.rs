// The tables, written once for both backends: only types that
// `#[derive(MultiConnection)]` supports (booleans are 0/1 integers, bytes are
// base64 text).

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        snils -> Nullable<Text>,
        inn -> Nullable<Text>,
        password_hash -> Text,
        family_name -> Text,
        given_name -> Text,
        middle_name -> Nullable<Text>,
        birthdate -> Nullable<Text>,
        gender -> Nullable<Text>,
        email_verified -> Integer,
        phone_verified -> Integer,
        level -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        address -> Nullable<Text>,
        locked_until -> Nullable<BigInt>,
        checked_at -> Nullable<BigInt>,
        level_since -> Nullable<BigInt>,
    }
}

// The ESIA `oid` of each account, a column of `accounts` declared apart so
// that the account rows (and every query selecting them) stay as they are.
diesel::table! {
    #[sql_name = "accounts"]
    account_oids (id) {
        id -> Text,
        oid -> Nullable<BigInt>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Text>,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        scopes -> Text,
        skip_consent -> Integer,
        min_account_level -> Nullable<Text>,
        id_token_alg -> Text,
        created_at -> BigInt,
        min_acr -> Nullable<Text>,
        backchannel_logout_uri -> Nullable<Text>,
        access_token_alg -> Nullable<Text>,
        esia_certificate -> Nullable<Text>,
    }
}

diesel::table! {
    consents (account_id, client_id) {
        account_id -> Text,
        client_id -> Text,
        scopes -> Text,
        granted_at -> BigInt,
        claims -> Text,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        account_id -> Text,
        client_id -> Text,
        scopes -> Text,
        claims -> Text,
        auth -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked -> Integer,
    }
}

diesel::table! {
    refresh_tokens (digest) {
        digest -> Text,
        family_id -> Text,
        client_id -> Text,
        account_id -> Text,
        scopes -> Text,
        auth -> Text,
        issued_at -> BigInt,
        expires_at -> BigInt,
        rotated_at -> Nullable<BigInt>,
        revoked -> Integer,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        alg -> Text,
        state -> Text,
        encrypted_private_key -> Text,
        created_at -> BigInt,
        activated_at -> Nullable<BigInt>,
        retire_after -> Nullable<BigInt>,
        activate_after -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The chained journal: `prev_hash`/`hash` are NULL only on entries
    /// from before the chain, until they are chained.
    audit_events (seq) {
        seq -> BigInt,
        at -> BigInt,
        event -> Text,
        account_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Text,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    /// One row (`id` = 1): the seq and hash of the newest entry; no hash
    /// while entries `1..=seq` from before the chain wait to be chained.
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        run_at -> BigInt,
        attempts -> Integer,
        failed -> Integer,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    profiles (account_id) {
        account_id -> Text,
        birthplace -> Nullable<Text>,
        passport_series -> Nullable<Text>,
        passport_number -> Nullable<Text>,
        passport_issued_on -> Nullable<Text>,
        passport_issuer -> Nullable<Text>,
        passport_issuer_code -> Nullable<Text>,
        updated_at -> BigInt,
    }
}

diesel::table! {
    verifications (id) {
        id -> Text,
        account_id -> Text,
        seq -> BigInt,
        status -> Text,
        data -> Text,
        outcome -> Nullable<Text>,
        requested_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    postal_codes (account_id) {
        account_id -> Text,
        digest -> Text,
        address -> Text,
        ordered_at -> BigInt,
        expires_at -> BigInt,
        tries_left -> Integer,
        letters -> Integer,
        window_started_at -> BigInt,
    }
}

diesel::table! {
    second_factors (account_id) {
        account_id -> Text,
        method -> Text,
        sealed_secret -> Nullable<Text>,
        last_step -> Nullable<BigInt>,
        enabled_at -> BigInt,
    }
}

diesel::table! {
    recovery_codes (account_id, digest) {
        account_id -> Text,
        digest -> Text,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The durable index of SSO sessions: live while `ended_at` is NULL.
    sessions (sid) {
        sid -> Text,
        account_id -> Text,
        cookie_digest -> Text,
        ip -> Text,
        user_agent -> Nullable<Text>,
        acr -> Text,
        amr -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        ended_at -> Nullable<BigInt>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// The portals that got tokens in a session.
    session_clients (sid, client_id) {
        sid -> Text,
        client_id -> Text,
        first_at -> BigInt,
        logout_delivered_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(session_clients -> sessions (sid));
diesel::joinable!(refresh_tokens -> grants (family_id));
diesel::allow_tables_to_appear_in_same_query!(refresh_tokens, grants);
diesel::table! {
    organizations (id) {
        id -> Text,
        kind -> Text,
        full_name -> Text,
        short_name -> Text,
        ogrn -> Text,
        inn -> Text,
        kpp -> Nullable<Text>,
        legal_address -> Text,
        actual_address -> Text,
        medical -> Integer,
        head_account_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    /// Active memberships; roles space-separated.
    memberships (org_id, account_id) {
        org_id -> Text,
        account_id -> Text,
        roles -> Text,
        medical_worker -> Nullable<Text>,
        since -> BigInt,
    }
}

diesel::table! {
    org_invitations (id) {
        id -> Text,
        org_id -> Text,
        invitee_kind -> Text,
        invitee -> Text,
        roles -> Text,
        medical_worker -> Nullable<Text>,
        invited_by -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        accepted_by -> Nullable<Text>,
        accepted_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    org_journal (seq) {
        seq -> BigInt,
        org_id -> Text,
        at -> BigInt,
        event -> Text,
        actor -> Text,
        detail -> Text,
    }
}

diesel::joinable!(memberships -> organizations (org_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, session_clients, clients);
diesel::allow_tables_to_appear_in_same_query!(organizations, memberships);
diesel::allow_tables_to_appear_in_same_query!(memberships, accounts);
diesel::allow_tables_to_appear_in_same_query!(org_invitations, organizations);
