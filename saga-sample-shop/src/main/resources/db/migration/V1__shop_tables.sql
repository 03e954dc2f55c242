-- The shop's own tables, migrated by Boot's Flyway into the default schema. The saga engine keeps
-- its tables in its own schema ("saga") with its own migrations.

create table purchase_order (
    id         uuid primary key,
    item       text        not null,
    quantity   int         not null check (quantity > 0),
    status     text        not null,
    saga_id    uuid,
    created_at timestamptz not null default now()
);

create table stock (
    item      text primary key,
    available int  not null check (available >= 0)
);

create table payment (
    id       uuid primary key,
    order_id uuid           not null references purchase_order (id),
    amount   numeric(12, 2) not null,
    status   text           not null
);

create index payment_order_id_idx on payment (order_id);

insert into stock (item, available) values
    ('widget', 100),
    ('gadget', 10),
    ('gizmo', 3);
