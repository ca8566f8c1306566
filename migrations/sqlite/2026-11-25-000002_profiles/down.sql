DROP TABLE verifications;
DROP TABLE profiles;
