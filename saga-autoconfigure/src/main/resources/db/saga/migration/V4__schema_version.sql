-- The version of the engine's tables, one row, checked at every startup. With
-- saga.schema-initialization=none a DBA (or Liquibase) applies these scripts, and nobody keeps
-- Flyway's history: this row is how the engine knows the tables match the code. Every later script
-- ends by setting it to its own version number.
create table ${flyway:defaultSchema}.saga_schema_version (
    one     boolean primary key default true check (one),
    version int     not null
);
insert into ${flyway:defaultSchema}.saga_schema_version (version) values (4);
