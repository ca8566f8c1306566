UPDATE clinics SET address = 'г. Москва, ул. Тверская, д. 1' WHERE id = 1;
ALTER TABLE clinics DROP COLUMN ogrn;
