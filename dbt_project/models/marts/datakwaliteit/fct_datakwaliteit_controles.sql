-- Grain: one row per check (kind x table x check): its latest outcome, and its history. Checks are the GX suites
-- (on every raw table and every mart, blocking), the dbt tests (data tests and unit tests) and the CBS registry
-- checks (cbs_check: each CBS table against the registry), as recorded in meta.check_results. The checks of the
-- data-quality marts themselves run after these marts are built: their outcome shows here from the next run on.
-- status and soort as recorded (pass, dbt_test); uitkomst and soort_naam in Dutch for the dashboard.
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
        max(gecontroleerd_op) filter (where status in ('fail', 'error')) as laatst_mislukt_op
    from results
    group by all
),

latest as (
    select *
    from results
    qualify row_number() over (partition by soort, object, check_naam order by gecontroleerd_op desc, run_id desc) = 1
)

select
    latest.soort,
    latest.object,
    latest.check_naam,
    case when latest.object like 'raw.%' then substr(latest.object, 5) end  as bron,
    bronnen.bron_naam,
    latest.status,
    case latest.status when 'pass' then 'geslaagd' when 'fail' then 'mislukt' when 'warn' then 'waarschuwing'
        when 'error' then 'fout' when 'skipped' then 'overgeslagen' else latest.status end as uitkomst,
    case latest.soort when 'gx' then 'GX-suite' when 'dbt_test' then 'dbt-test' when 'dbt_unit_test' then 'dbt-unittest'
        when 'cbs_check' then 'CBS-registercontrole' else latest.soort end  as soort_naam,
    case latest.status when 'pass' then true when 'skipped' then null else false end as is_geslaagd,
    latest.afwijkingen,
    latest.rijen_gecontroleerd,
    latest.details,
    latest.gecontroleerd_op,
    latest.run_id,
    history.aantal_keer_uitgevoerd,
    history.aantal_keer_mislukt,
    history.laatst_mislukt_op,
    null::varchar                                                           as gemeente_code,
    true                                                                    as voor_alle_gemeenten
from latest
inner join history using (soort, object, check_naam)
left join {{ ref('bronnen') }} as bronnen on 'raw.' || bronnen.bron = latest.object
