-- The test application's own migration, run by Boot's Flyway beside the engine's own.
create table test_effect (
    id       bigserial primary key,
    saga_key text not null,
    step     text not null,
    node     text
);
create table test_attempt (
    id       bigserial primary key,
    saga_key text not null,
    at       timestamptz not null default clock_timestamp()
);
