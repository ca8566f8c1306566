DROP TABLE org_journal;
DROP TABLE org_invitations;
DROP TABLE memberships;
DROP TABLE organizations;
