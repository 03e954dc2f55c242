-- Which claim wrote each ledger row: the node and the fencing number it recorded with. Kept for
-- diagnosis (who ran this step?) and so that tests can prove no fenced-off node wrote a row.
alter table ${flyway:defaultSchema}.saga_step add column node_id text;
alter table ${flyway:defaultSchema}.saga_step add column fencing bigint;
