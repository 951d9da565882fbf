-- Grain: one row per check (kind x table x check): its latest outcome, and its history. Checks are the GX suites
-- (on every raw table and every mart, blocking), the dbt tests (data tests and unit tests) and the CBS registry
-- checks (cbs_check: each CBS table against the registry), as recorded in meta.check_results. The checks of the
-- data-quality marts themselves run after these marts are built: their outcome shows here from the next run on.
-- A check runs over the rows of every gemeente: no gemeente_code, and voor_alle_gemeenten (users limited to a
-- gemeente see every check).
with results as (
    select * replace (coalesce(object, '(onbekend)') as object) from {{ ref('stg_meta__check_results') }}
),

history as (
    select
        soort, object, check_naam,
        count(*)                                                       as aantal_keer_uitgevoerd,
        count(*) filter (where status in ('fail', 'error'))            as aantal_keer_mislukt,
        max(checked_at) filter (where status in ('fail', 'error'))     as laatst_mislukt_op
    from results
    group by all
),

latest as (
    select *
    from results
    qualify row_number() over (partition by soort, object, check_naam order by checked_at desc, run_id desc) = 1
)

select
    latest.soort,
    latest.object,
    latest.check_naam,
    case when latest.object like 'raw.%' then substr(latest.object, 5) end  as bron,
    latest.status,
    case latest.status when 'pass' then true when 'skipped' then null else false end as is_geslaagd,
    latest.afwijkingen,
    latest.rijen_gecontroleerd,
    latest.details,
    latest.checked_at                                                       as gecontroleerd_op,
    latest.run_id,
    history.aantal_keer_uitgevoerd,
    history.aantal_keer_mislukt,
    history.laatst_mislukt_op,
    null::varchar                                                           as gemeente_code,
    true                                                                    as voor_alle_gemeenten
from latest
inner join history using (soort, object, check_naam)
