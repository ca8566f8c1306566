-- Where a portal takes back-channel logout tokens (Back-Channel Logout 1.0
-- §2.2); NULL: it is not told.
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
