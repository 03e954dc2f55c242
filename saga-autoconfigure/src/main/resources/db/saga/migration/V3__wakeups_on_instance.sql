-- Signals and cancellations count their wake-ups on the instance row, not on the outbox row: a
-- caller's transaction that signalled a running saga and stays open must hold no lock that lease
-- renewals (outbox rows only) would wait for. saga_outbox.wakeups is no longer read or written;
-- it stays so that a node of the previous version does not fail during a rolling upgrade (a
-- signal that crosses versions then wakes a running saga only at its timeout).
alter table ${flyway:defaultSchema}.saga_instance add column wakeups int not null default 0;

-- A node takes again at once what it holds but none of its workers runs (a claim or release whose
-- reply was lost): the claim looks rows up by their holder as well as by their due time.
create index saga_outbox_claimed_by_idx on ${flyway:defaultSchema}.saga_outbox (claimed_by)
    where claimed_by is not null;
