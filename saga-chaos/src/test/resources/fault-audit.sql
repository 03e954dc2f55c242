-- Installed by the chaos run next to fence-audit.sql (never by the engine): what the faults did,
-- seen from inside the database.

-- every saga deleted (by retention; nothing else deletes one), as it was when deleted: a saga that
-- was retried while retention ran shows here as RUNNING or COMPENSATING if the delete won
create table public.chaos_deleted (
    saga_id      uuid        not null,
    name         text        not null,
    business_key text,
    status       text        not null,
    finished_at  timestamptz,
    at           timestamptz not null default clock_timestamp()
);

create function public.chaos_log_deleted() returns trigger language plpgsql as $$
begin
    insert into public.chaos_deleted (saga_id, name, business_key, status, finished_at)
    values (old.id, old.name, old.business_key, old.status, old.finished_at);
    return old;
end
$$;

create trigger chaos_log_deleted after delete on saga.saga_instance
    for each row execute function public.chaos_log_deleted();

-- a claim over a claim that was never given back: the lease of from_node ran out (it died, the
-- database was down, or it could not renew in time) and to_node took the saga over
create table public.chaos_takeover (
    saga_id   uuid        not null,
    from_node text        not null,
    to_node   text,
    at        timestamptz not null default clock_timestamp()
);

create function public.chaos_log_takeover() returns trigger language plpgsql as $$
begin
    insert into public.chaos_takeover (saga_id, from_node, to_node) values (new.saga_id, old.claimed_by, new.claimed_by);
    return new;
end
$$;

create trigger chaos_log_takeover after update of claims on saga.saga_outbox
    for each row when (new.claims > old.claims and old.claimed_by is not null)
    execute function public.chaos_log_takeover();

-- written by the orchestrator before the checks: when each node was killed, when the database was down
create table public.chaos_kill (
    node text        not null,
    at   timestamptz not null
);

create table public.chaos_outage (
    from_at timestamptz not null,
    to_at   timestamptz not null
);

-- a lease renewed after it had run out: the node that holds the claim did not renew it in time, though it
-- had not lost it (it was not killed, or it would not renew at all). Renewals are the only updates that keep
-- the claim and its count and move due_at forward.
create table public.chaos_lapse (
    saga_id    uuid        not null,
    node       text        not null,
    lease_end  timestamptz not null,
    renewed_at timestamptz not null default clock_timestamp()
);

create function public.chaos_log_lapse() returns trigger language plpgsql as $$
begin
    if old.due_at < clock_timestamp() then
        insert into public.chaos_lapse (saga_id, node, lease_end) values (new.saga_id, new.claimed_by, old.due_at);
    end if;
    return new;
end
$$;

create trigger chaos_log_lapse after update of due_at on saga.saga_outbox
    for each row when (old.claimed_by is not null and new.claimed_by = old.claimed_by and new.claims = old.claims
        and new.due_at > old.due_at)
    execute function public.chaos_log_lapse();
