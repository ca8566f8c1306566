// The tables of `migrations/`.

diesel::table! {
    clinics (id) {
        id -> Integer,
        name -> Text,
        address -> Text,
        phone -> Text,
        hours -> Text,
        ogrn -> Nullable<Text>,
    }
}

diesel::table! {
    doctors (id) {
        id -> Integer,
        clinic_id -> Integer,
        full_name -> Text,
        specialty -> Text,
        room -> Text,
        hours -> Text,
        weekdays -> Text,
        starts -> Integer,
        ends -> Integer,
    }
}

diesel::table! {
    appointments (id) {
        id -> Integer,
        patient_sub -> Text,
        patient_name -> Text,
        doctor_id -> Integer,
        day -> Text,
        time -> Text,
        created_at -> BigInt,
        cancelled_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    records (id) {
        id -> Integer,
        snils -> Text,
        day -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
    }
}

diesel::table! {
    frmr (snils) {
        snils -> Text,
        family_name -> Text,
        given_name -> Text,
        middle_name -> Nullable<Text>,
        birthdate -> Text,
        specialty -> Text,
        position -> Text,
        organization -> Text,
    }
}

diesel::table! {
    clinic_days (clinic_id, weekday) {
        clinic_id -> Integer,
        weekday -> Integer,
        opens -> Integer,
        closes -> Integer,
    }
}

diesel::joinable!(doctors -> clinics (clinic_id));
diesel::joinable!(appointments -> doctors (doctor_id));
diesel::allow_tables_to_appear_in_same_query!(
    clinic_days,
    clinics,
    doctors,
    appointments,
    records,
    frmr
);
