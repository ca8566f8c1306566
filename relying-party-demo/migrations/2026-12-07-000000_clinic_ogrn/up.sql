-- A clinic's organization at the provider (its OGRN in the `org` claim):
-- its staff open the staff areas of this clinic only. The city clinic is
-- the provider's demo organization (idp/src/demo.rs), at its address.
ALTER TABLE clinics ADD COLUMN ogrn TEXT;
UPDATE clinics SET ogrn = '1027700000019', address = 'г. Москва, ул. Здоровья, д. 1' WHERE id = 1;
