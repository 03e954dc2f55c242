-- The saga engine's own tables. Flyway runs this with the configured schema (saga.schema,
-- "saga" by default) as its default schema and its own history table, so these tables never
-- meet the application's migrations.

create table ${flyway:defaultSchema}.saga_instance (
    id           uuid primary key,
    name         text        not null,
    version      int         not null,
    business_key text,
    status       text        not null,
    input        jsonb,
    output       jsonb,
    error        text,
    -- raised on every claim; a node may record only while the number it claimed is current
    fencing      bigint      not null default 0,
    -- set by cancel() or a passed deadline: the saga stops at its next step and compensates
    cancel_reason text,
    deadline_at  timestamptz,
    -- how often the saga continued as new (continueAsNew) with an empty history
    run          int         not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    finished_at  timestamptz
);

create unique index saga_instance_business_key_uq
    on ${flyway:defaultSchema}.saga_instance (name, business_key) where business_key is not null;
create index saga_instance_status_idx on ${flyway:defaultSchema}.saga_instance (status, name);
create index saga_instance_deadline_idx on ${flyway:defaultSchema}.saga_instance (deadline_at)
    where deadline_at is not null and cancel_reason is null;
create index saga_instance_finished_idx on ${flyway:defaultSchema}.saga_instance (finished_at)
    where finished_at is not null;

-- The ledger: one row per step, primitive and compensation, in the order the saga made them.
create table ${flyway:defaultSchema}.saga_step (
    saga_id         uuid        not null references ${flyway:defaultSchema}.saga_instance (id) on delete cascade,
    seq             int         not null,
    kind            text        not null,
    name            text        not null,
    status          text        not null,
    compensates     int,
    args            jsonb,
    result          jsonb,
    error           text,
    attempts        int         not null default 0,
    attempt_log     jsonb,
    started_at      timestamptz not null,
    finished_at     timestamptz,
    next_attempt_at timestamptz,
    -- the final failure proves the step took no effect (its noEffectOn): nothing to compensate
    no_effect       boolean     not null default false,
    primary key (saga_id, seq)
);

create table ${flyway:defaultSchema}.saga_signal (
    id           bigserial primary key,
    saga_id      uuid        not null references ${flyway:defaultSchema}.saga_instance (id) on delete cascade,
    name         text        not null,
    payload      jsonb,
    received_at  timestamptz not null default now(),
    consumed_seq int
);

create index saga_signal_pending_idx on ${flyway:defaultSchema}.saga_signal (saga_id, name)
    where consumed_seq is null;

-- Due work: one row per unfinished saga. While a node runs the saga, claimed_by names the node
-- and due_at is the end of its lease, so work whose lease ran out is simply due again.
create table ${flyway:defaultSchema}.saga_outbox (
    saga_id    uuid        primary key references ${flyway:defaultSchema}.saga_instance (id) on delete cascade,
    kind       text        not null,
    due_at     timestamptz not null,
    claimed_by text,
    claims     int         not null default 0,
    -- raised by every signal or cancel; a run that saw fewer must not sleep past them
    wakeups    int         not null default 0,
    recoveries int         not null default 0,
    created_at timestamptz not null default now()
);

create index saga_outbox_due_idx on ${flyway:defaultSchema}.saga_outbox (due_at);
