-- The provider's demo clinic staff: doctor@demo.vhod is the clinic's
-- therapist (his schedule matches appointments by full name) and a
-- registered medical worker in the demo's copy of ФРМР.
INSERT INTO doctors (id, clinic_id, full_name, specialty, room, hours) VALUES
    (5, 1, 'Докторов Алексей Николаевич', 'терапевт', '105', 'пн–пт 14:00–20:00');

INSERT INTO frmr (snils, family_name, given_name, middle_name, birthdate, specialty, position, organization) VALUES
    ('112-233-451 93', 'Докторов', 'Алексей', 'Николаевич', '1979-09-03', 'терапия', 'врач-терапевт участковый', 'ГБУЗ «Городская поликлиника № 1»');
