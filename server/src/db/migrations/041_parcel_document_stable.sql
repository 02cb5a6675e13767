-- parcel_document was declared IMMUTABLE, but jsonb_build_object and to_jsonb
-- are STABLE, and PostgreSQL does not inline an SQL function whose body is
-- less immutable than its declaration: the history triggers called it through
-- the SQL-function executor once per row. Declared STABLE, as its body is, it
-- is inlined into the triggers' statements (an import creating 100,000
-- parcels: 6.34 s → 6.19 s of the server's CPU for its INSERT).
ALTER FUNCTION parcel_document(parcels) STABLE;
