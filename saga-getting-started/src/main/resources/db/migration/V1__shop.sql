create table stock (
    item      text primary key,
    available int  not null check (available >= 0)
);

create table purchase_order (
    id       uuid primary key,
    item     text not null,
    quantity int  not null
);

insert into stock (item, available) values ('tea', 100), ('coffee', 0);
