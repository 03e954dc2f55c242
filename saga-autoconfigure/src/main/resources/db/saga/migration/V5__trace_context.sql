-- The trace context of the request that started the saga, as its propagation headers
-- (traceparent, b3, ...) URL-encoded as key=value&key=value: every run of the saga continues that
-- trace, however much later and on whichever node. Null when no tracer was active at the start.
alter table ${flyway:defaultSchema}.saga_instance add column trace_context text;

update ${flyway:defaultSchema}.saga_schema_version set version = 5;
