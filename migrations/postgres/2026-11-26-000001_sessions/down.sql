DROP TABLE session_clients;
DROP TABLE sessions;
