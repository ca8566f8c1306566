-- The cabinet's own data: reference information, appointments, medical
-- records and the demo's copy of the register of medical workers (ФРМР).
-- Patients are known by the provider's `sub`; records and the register by
-- SNILS, as in the state systems.

CREATE TABLE clinics (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    hours TEXT NOT NULL
);

CREATE TABLE doctors (
    id INTEGER PRIMARY KEY NOT NULL,
    clinic_id INTEGER NOT NULL REFERENCES clinics (id),
    full_name TEXT NOT NULL,
    specialty TEXT NOT NULL,
    room TEXT NOT NULL,
    hours TEXT NOT NULL
);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY NOT NULL,
    patient_sub TEXT NOT NULL,
    patient_name TEXT NOT NULL,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    day TEXT NOT NULL,
    time TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX appointments_patient ON appointments (patient_sub);
-- One live appointment per doctor and slot.
CREATE UNIQUE INDEX appointments_slot ON appointments (doctor_id, day, time) WHERE cancelled_at IS NULL;

CREATE TABLE records (
    id INTEGER PRIMARY KEY NOT NULL,
    snils TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX records_snils ON records (snils);

CREATE TABLE frmr (
    snils TEXT PRIMARY KEY NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    middle_name TEXT,
    birthdate TEXT NOT NULL,
    specialty TEXT NOT NULL,
    position TEXT NOT NULL,
    organization TEXT NOT NULL
);

INSERT INTO clinics (id, name, address, phone, hours) VALUES
    (1, 'ГБУЗ «Городская поликлиника № 1»', 'г. Москва, ул. Тверская, д. 1', '+7 495 000-00-01', 'пн–пт 8:00–20:00, сб 9:00–15:00'),
    (2, 'ГБУЗ «Детская поликлиника № 3»', 'г. Москва, ул. Арбат, д. 3', '+7 495 000-00-03', 'пн–пт 8:00–19:00');

INSERT INTO doctors (id, clinic_id, full_name, specialty, room, hours) VALUES
    (1, 1, 'Лечащева Мария Петровна', 'терапевт', '101', 'пн–пт 8:00–14:00'),
    (2, 1, 'Сердцев Олег Иванович', 'кардиолог', '204', 'пн, ср, пт 14:00–20:00'),
    (3, 1, 'Глазова Елена Сергеевна', 'офтальмолог', '310', 'вт, чт 9:00–15:00'),
    (4, 2, 'Детский Андрей Павлович', 'педиатр', '12', 'пн–пт 8:00–13:00');

-- Records of the demo's confirmed account (confirmed@demo.vhod).
INSERT INTO records (snils, day, kind, title, body) VALUES
    ('112-233-447 97', '2026-03-02', 'visit', 'Приём терапевта', 'Жалоб нет. Рекомендована ежегодная диспансеризация.'),
    ('112-233-447 97', '2026-03-03', 'result', 'Общий анализ крови', 'Гемоглобин 148 г/л, лейкоциты 6,1×10⁹/л — в пределах нормы.'),
    ('112-233-447 97', '2026-03-05', 'result', 'Флюорография', 'Без патологических изменений.');

-- The demo's copy of ФРМР. confirmed@demo.vhod is a registered doctor;
-- standard@demo.vhod is in the register with another birth date, to show
-- the page naming the field that differs once she is confirmed.
INSERT INTO frmr (snils, family_name, given_name, middle_name, birthdate, specialty, position, organization) VALUES
    ('112-233-447 97', 'Подтверждёнов', 'Иван', 'Сергеевич', '1982-03-12', 'терапия', 'врач-терапевт участковый', 'ГБУЗ «Городская поликлиника № 1»'),
    ('112-233-446 96', 'Стандартова', 'Анна', 'Ивановна', '1981-02-21', 'сестринское дело', 'медицинская сестра', 'ГБУЗ «Городская поликлиника № 1»');
