-- Extensions the schema uses, all shipped with PostgreSQL's contrib modules:
--   ltree      the office tree: "this office's subtree" as one indexed path lookup (DESIGN.md §4)
--   pg_trgm    searching persons and employers by part of a name
--   pgcrypto   digest() for the audit log's hash chain, gen_random_bytes()
--   btree_gist exclusion constraints over periods (no two overlapping enrolments)
CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
