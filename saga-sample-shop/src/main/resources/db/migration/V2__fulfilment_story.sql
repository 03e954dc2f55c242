-- The whole fulfilment story: amounts and customers on orders, the gateway's pending charges,
-- the carrier's labels and the emails sent.

alter table purchase_order add column amount numeric(12, 2);
alter table purchase_order add column customer_email text;

-- the fake gateway's records: PENDING until it calls the webhook, then APPROVED or DECLINED;
-- REFUNDED (was APPROVED) or VOIDED (was PENDING) by the refund compensation
alter table payment add column callback_key uuid;

create table shipping_label (
    tracking_number text primary key,
    order_id        uuid        not null references purchase_order (id),
    status          text        not null,
    created_at      timestamptz not null default now()
);

create index shipping_label_order_id_idx on shipping_label (order_id);

-- one row per email sent; the idempotency key of the step that sent it is unique, so a retried
-- send finds its mail already written and does not mail twice
create table email (
    id              bigserial primary key,
    order_id        uuid        not null references purchase_order (id),
    kind            text        not null,
    recipient       text        not null,
    subject         text        not null,
    body            text        not null,
    idempotency_key text        not null unique,
    sent_at         timestamptz not null default now()
);

create index email_order_id_idx on email (order_id);
