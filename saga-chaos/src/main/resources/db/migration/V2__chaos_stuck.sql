-- every time a compensation got stuck on purpose (StuckCompensations), in a transaction of its own
create table chaos_stuck (
    id      bigserial primary key,
    saga_id uuid        not null,
    at      timestamptz not null default clock_timestamp()
);
create index chaos_stuck_saga_idx on chaos_stuck (saga_id);
