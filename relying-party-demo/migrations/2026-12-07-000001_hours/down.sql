ALTER TABLE doctors DROP COLUMN ends;
ALTER TABLE doctors DROP COLUMN starts;
ALTER TABLE doctors DROP COLUMN weekdays;
DROP TABLE clinic_days;
