-- slow steps in progress (TransferSteps), so that a held transaction can pick a node that runs one
create table chaos_slow (
    id      bigserial primary key,
    saga_id uuid        not null,
    node    text        not null,
    until   timestamptz not null
);
