-- The outcome of every check per run (meta.check_results): GX suites and dbt tests.
select
    run_id,
    checked_at      as gecontroleerd_op,
    kind            as soort,
    target          as object,
    check_name      as check_naam,
    status,
    failures        as afwijkingen,
    rows_checked    as rijen_gecontroleerd,
    details
from {{ source('meta', 'check_results') }}
