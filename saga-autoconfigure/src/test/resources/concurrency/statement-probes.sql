-- Probes for StatementConcurrencyTests, installed in the test database after the engine's migrations.
-- Random delays lengthen the engine's statements (a BEFORE UPDATE row trigger runs after the row is
-- locked, so its sleep lengthens the lock), and logs are written by triggers inside the writer's own
-- transaction: a row of a write that rolled back disappears with it.

create schema saga_test;

-- Every change of a saga's fencing number ('fence': claim, deadline expiry) and every fenced write
-- ('write': a ledger record, a status change, continue-as-new), in the order the writers held their
-- locks on the instance row (a fenced write holds it until it commits, so a claim cannot come between).
create table saga_test.fence_log (
    id            bigserial primary key,
    saga_id       uuid        not null,
    event         text        not null,
    fencing       bigint,
    node_id       text,
    seq           int,
    run           int,
    status        text,
    completed_now boolean     not null default false,
    logged_at     timestamptz not null default clock_timestamp()
);

-- Every new lease end written for a row that stays claimed by the same node (renewals, confirmations).
create table saga_test.lease_log (
    id         bigserial primary key,
    saga_id    uuid        not null,
    node_id    text        not null,
    due_at     timestamptz not null,
    statement  text        not null,
    written_at timestamptz not null default clock_timestamp()
);

create function saga_test.random_delay() returns trigger language plpgsql as $$
begin
    if random() < 0.25 then
        perform pg_sleep(random() * 0.05);
    end if;
    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end $$;

create trigger a_delay before insert or update or delete on saga.saga_instance
    for each row execute function saga_test.random_delay();
create trigger a_delay before insert or update or delete on saga.saga_step
    for each row execute function saga_test.random_delay();
create trigger a_delay before insert or update or delete on saga.saga_signal
    for each row execute function saga_test.random_delay();
create trigger a_delay before insert or update or delete on saga.saga_outbox
    for each row execute function saga_test.random_delay();
create trigger z_delay after insert or update on saga.saga_step
    for each row execute function saga_test.random_delay();

-- A claim by a node named 'frozen-...' stops (its rows locked) until the test lets go of advisory lock 4242.
create function saga_test.freeze_claim() returns trigger language plpgsql as $$
begin
    if new.claimed_by like 'frozen-%' and new.claimed_by is distinct from old.claimed_by then
        perform pg_advisory_xact_lock_shared(4242);
    end if;
    return new;
end $$;

create trigger b_freeze_claim before update on saga.saga_outbox
    for each row execute function saga_test.freeze_claim();

create function saga_test.log_instance() returns trigger language plpgsql as $$
begin
    if new.fencing <> old.fencing then
        insert into saga_test.fence_log (saga_id, event, fencing, status)
            values (new.id, 'fence', new.fencing, new.status);
    elsif current_query() like '%and fencing = $%' then
        insert into saga_test.fence_log (saga_id, event, fencing, run, status)
            values (new.id, 'write', new.fencing, new.run, new.status);
    end if;
    return null;
end $$;

create trigger z_log after update on saga.saga_instance
    for each row execute function saga_test.log_instance();

create function saga_test.log_step() returns trigger language plpgsql as $$
begin
    if current_query() like 'with fence as%' then
        insert into saga_test.fence_log (saga_id, event, fencing, node_id, seq, run, status, completed_now)
            values (new.saga_id, 'write', new.fencing, new.node_id, new.seq,
                (select run from saga.saga_instance where id = new.saga_id), new.status,
                new.status = 'COMPLETED' and (tg_op = 'INSERT' or old.status <> 'COMPLETED'));
    end if;
    return null;
end $$;

create trigger z_log after insert or update on saga.saga_step
    for each row execute function saga_test.log_step();

create function saga_test.log_lease() returns trigger language plpgsql as $$
begin
    if new.claimed_by is not null and new.claimed_by = old.claimed_by and new.due_at <> old.due_at then
        insert into saga_test.lease_log (saga_id, node_id, due_at, statement)
            values (new.saga_id, new.claimed_by, new.due_at, left(current_query(), 80));
    end if;
    return null;
end $$;

create trigger z_log after update on saga.saga_outbox
    for each row execute function saga_test.log_lease();
