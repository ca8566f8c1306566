DROP TABLE frmr;
DROP TABLE records;
DROP TABLE appointments;
DROP TABLE doctors;
DROP TABLE clinics;
