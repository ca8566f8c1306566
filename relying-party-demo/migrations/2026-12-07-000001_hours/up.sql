-- Hours as data, so booking keeps to them: the days and hours each clinic
-- is open (weekday 1 = Monday … 7 = Sunday), and each doctor's shift — the
-- same hours on each of the doctor's weekdays. The text `hours` columns
-- stay what the pages show.
CREATE TABLE clinic_days (
    clinic_id INTEGER NOT NULL REFERENCES clinics (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens INTEGER NOT NULL,
    closes INTEGER NOT NULL,
    PRIMARY KEY (clinic_id, weekday)
);
INSERT INTO clinic_days (clinic_id, weekday, opens, closes) VALUES
    (1, 1, 8, 20), (1, 2, 8, 20), (1, 3, 8, 20), (1, 4, 8, 20), (1, 5, 8, 20), (1, 6, 9, 15),
    (2, 1, 8, 19), (2, 2, 8, 19), (2, 3, 8, 19), (2, 4, 8, 19), (2, 5, 8, 19);

ALTER TABLE doctors ADD COLUMN weekdays TEXT NOT NULL DEFAULT '1,2,3,4,5';
ALTER TABLE doctors ADD COLUMN starts INTEGER NOT NULL DEFAULT 8;
ALTER TABLE doctors ADD COLUMN ends INTEGER NOT NULL DEFAULT 14;
UPDATE doctors SET weekdays = '1,2,3,4,5', starts = 8, ends = 14 WHERE id = 1;
UPDATE doctors SET weekdays = '1,3,5', starts = 14, ends = 20 WHERE id = 2;
UPDATE doctors SET weekdays = '2,4', starts = 9, ends = 15 WHERE id = 3;
UPDATE doctors SET weekdays = '1,2,3,4,5', starts = 8, ends = 13 WHERE id = 4;
UPDATE doctors SET weekdays = '1,2,3,4,5', starts = 14, ends = 20 WHERE id = 5;
