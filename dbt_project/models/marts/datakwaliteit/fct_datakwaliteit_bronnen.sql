-- Grain: one row per source (seed bronnen: every CBS table family and every kind of gemeente file). The overview
-- a data team starts from:
--   loads: CBS releases (snapshots) or delivered files, loaded / delivered again (duplicate) / failed, first and
--   last load, and for CBS when the newest release was fetched;
--   rows: loaded and quarantined over all loads, and loads whose counts do not add up (should be 0);
--   cells (CBS, newest release of each table): secret and missing;
--   freshness: the last load (laatste_lading) and the last period with data (laatste_periode: for CBS the latest
--   period with a value in the newest releases; for gemeente files the latest year, period or, for care data,
--   the latest month invoiced, else the latest message month, in the data staging uses);
--   checks: the latest outcome of the checks on the source's raw table (GX; for CBS also the registry check of
--   each table), passed and failed.
with loads as (
    select * from {{ ref('fct_datakwaliteit_ladingen') }}
),

per_source as (
    select
        bron,
        count(*) filter (where status = 'geladen')                                  as ladingen,
        count(*) filter (where status = 'dubbel')                                   as ladingen_dubbel,
        count(*) filter (where status = 'mislukt')                                  as ladingen_mislukt,
        min(geladen_op)                                                             as eerste_lading,
        max(geladen_op)                                                             as laatste_lading,
        max(opgehaald_op)                                                           as laatste_ophaling,
        coalesce(sum(rijen_geladen), 0)                                             as rijen_geladen,
        coalesce(sum(rijen_in_quarantaine), 0)                                      as rijen_in_quarantaine,
        count(*) filter (where not is_sluitend)                                     as ladingen_niet_sluitend,
        sum(cellen_geheim) filter (where is_nieuwste_release)                       as cellen_geheim,
        sum(cellen_ontbrekend) filter (where is_nieuwste_release)                   as cellen_ontbrekend,
        max(laatste_periode) filter (where is_nieuwste_release)                     as laatste_periode_cbs
    from loads
    group by bron
),

file_periods as (
    select 'subsidies' as bron, max(jaar)::varchar as laatste_periode from {{ ref('stg_subsidies__subsidies') }}
    union all
    select 'initiatieven', max(jaar)::varchar from {{ ref('stg_initiatieven__initiatieven') }}
    union all
    select 'voorzieningen', max(peiljaar)::varchar from {{ ref('stg_voorzieningen__voorzieningen') }}
    union all
    select 'indicatoren', max(periode) from {{ ref('stg_indicatoren__waarden') }}
    union all
    select 'postcodes', max(jaar)::varchar from {{ ref('stg_postcodes__postcodes') }}
    union all
    select 'zorg', strftime(coalesce(max(einddatum) filter (where berichttype = '323'), max(dagtekening)), '%Y-%m')
    from {{ ref('stg_zorg__berichtregels') }}
),

checks as (
    select
        bron,
        count(*)                                  as controles,
        count(*) filter (where not is_geslaagd)   as controles_mislukt
    from {{ ref('fct_datakwaliteit_controles') }}
    where bron is not null
    group by bron
)

select
    bronnen.bron,
    bronnen.bron_soort,
    bronnen.bron_naam,
    coalesce(per_source.ladingen, 0)                                   as ladingen,
    coalesce(per_source.ladingen_dubbel, 0)                            as ladingen_dubbel,
    coalesce(per_source.ladingen_mislukt, 0)                           as ladingen_mislukt,
    per_source.eerste_lading,
    per_source.laatste_lading,
    per_source.laatste_ophaling,
    coalesce(per_source.rijen_geladen, 0)                              as rijen_geladen,
    coalesce(per_source.rijen_in_quarantaine, 0)                       as rijen_in_quarantaine,
    coalesce(per_source.ladingen_niet_sluitend, 0)                     as ladingen_niet_sluitend,
    per_source.cellen_geheim,
    per_source.cellen_ontbrekend,
    coalesce(per_source.laatste_periode_cbs, file_periods.laatste_periode) as laatste_periode,
    coalesce(checks.controles, 0)                                      as controles,
    coalesce(checks.controles_mislukt, 0)                              as controles_mislukt
from {{ ref('bronnen') }} as bronnen
left join per_source using (bron)
left join file_periods using (bron)
left join checks using (bron)
