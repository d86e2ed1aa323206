-- A token's scope narrows it below its user's role: '' allows everything
-- the role does; 'sensor' only what a remote sensor needs (shipping
-- batches, reading the approved policy), so that a token stolen from a
-- sensor box at another site can neither read the register nor change it.
-- Tokens made before scopes existed keep their full access.
ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT '' CHECK (scope IN ('', 'sensor'));
