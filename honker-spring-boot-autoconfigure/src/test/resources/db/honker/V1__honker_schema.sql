-- Creates the Honker schema when honker.bootstrap=none. honker_bootstrap() is idempotent, so a later
-- migration can call it again after a Honker upgrade.
SELECT honker_bootstrap();
