-- What the chaos sagas did, written by their steps and compensations, read by the orchestrator.

-- transactional steps: written in the step's own transaction, so exactly once
create table chaos_effect (
    id      bigserial primary key,
    saga_id uuid        not null,
    step    text        not null,
    node    text        not null,
    at      timestamptz not null default clock_timestamp()
);
create index chaos_effect_saga_idx on chaos_effect (saga_id);

-- non-transactional steps: an "external system" written with autocommit, at least once, keyed
create table chaos_external (
    id       bigserial primary key,
    saga_id  uuid        not null,
    step     text        not null,
    idem_key text        not null,
    node     text        not null,
    at       timestamptz not null default clock_timestamp()
);
create index chaos_external_saga_idx on chaos_external (saga_id);

-- every compensation run, in the order they happened (id), transactional ones exactly once
create table chaos_compensation (
    id            bigserial primary key,
    saga_id       uuid        not null,
    step          text        not null,
    idem_key      text        not null,
    transactional boolean     not null,
    node          text        not null,
    at            timestamptz not null default clock_timestamp()
);
create index chaos_compensation_saga_idx on chaos_compensation (saga_id);
