-- Trigram indexes for the admin's product search (ILIKE '%…%'). pg_trgm is a trusted
-- extension (PostgreSQL 13+): the database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
