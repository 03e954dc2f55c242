-- Installed by the chaos run (never by the engine): proves from inside the database that no
-- ledger row was written under a fencing number that was no longer current, and remembers which
-- node got which fencing number, so that every row's writer can be checked against its claim.

create table public.chaos_claim (
    saga_id uuid        not null,
    fencing bigint      not null,
    node    text,
    at      timestamptz not null default clock_timestamp()
);
create index chaos_claim_idx on public.chaos_claim (saga_id, fencing);

create table public.chaos_fence_violation (
    id              bigserial primary key,
    saga_id         uuid,
    seq             int,
    node            text,
    fencing         bigint,
    current_fencing bigint,
    at              timestamptz not null default clock_timestamp()
);

create function public.chaos_check_fence() returns trigger language plpgsql as $$
declare
    current_fencing bigint;
begin
    -- an operator's retry (SagaClient.retry) gives a failed row a fresh set of attempts in place: no node
    -- writes it, so it keeps the writer of the failure, whose claim may have been superseded since
    if tg_op = 'UPDATE' and new.status = 'RETRYING' and new.attempts = 0 and new.node_id is not distinct from old.node_id
            and new.fencing is not distinct from old.fencing then
        return new;
    end if;
    select fencing into current_fencing from saga.saga_instance where id = new.saga_id;
    if new.fencing is null or new.node_id is null or new.fencing < current_fencing then
        insert into public.chaos_fence_violation (saga_id, seq, node, fencing, current_fencing)
        values (new.saga_id, new.seq, new.node_id, new.fencing, current_fencing);
    end if;
    return new;
end
$$;

create trigger chaos_check_fence before insert or update on saga.saga_step
    for each row execute function public.chaos_check_fence();

-- a claim raises saga_instance.fencing and sets saga_outbox.claimed_by in one statement; an AFTER
-- row trigger sees the whole statement's changes
create function public.chaos_log_claim() returns trigger language plpgsql as $$
begin
    insert into public.chaos_claim (saga_id, fencing, node)
    values (new.id, new.fencing, (select claimed_by from saga.saga_outbox where saga_id = new.id));
    return new;
end
$$;

create trigger chaos_log_claim after update of fencing on saga.saga_instance
    for each row when (new.fencing > old.fencing) execute function public.chaos_log_claim();

-- a saga started on a node with a free worker is claimed by its very insert: its outbox row is
-- written with claimed_by set, under the first fencing number
create function public.chaos_log_claimed_start() returns trigger language plpgsql as $$
begin
    insert into public.chaos_claim (saga_id, fencing, node)
    values (new.saga_id, coalesce((select fencing from saga.saga_instance where id = new.saga_id), 1), new.claimed_by);
    return new;
end
$$;

create trigger chaos_log_claimed_start after insert on saga.saga_outbox
    for each row when (new.claimed_by is not null) execute function public.chaos_log_claimed_start();
