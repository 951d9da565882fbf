-- Grain: one row per source (seed bronnen: every CBS table family and every kind of gemeente file) x gemeente. The
-- overview a data team starts from, and what a user limited to some gemeenten sees of their own files:
--   gemeente: a CBS source has one row for all gemeenten (voor_alle_gemeenten); a gemeente-file source one row per
--   gemeente that delivered (the gemeente of fct_datakwaliteit_ladingen), plus one without gemeente for files with
--   rows of several gemeenten (seen only by users of all gemeenten); a source nobody delivered one empty row for all;
--   loads: CBS releases (snapshots) or delivered files, loaded / delivered again (duplicate) / failed, first and
--   last load, and for CBS when the newest release was fetched;
--   rows: loaded and quarantined over all loads, and loads whose counts do not add up (should be 0);
--   cells (CBS, newest release of each table): secret and missing;
--   freshness: the last load (laatste_lading) and the last period with data (laatste_periode: for CBS the latest
--   period with a value in the newest releases; for gemeente files the latest year, period or, for care data,
--   the latest month invoiced, else the latest message month, in the data staging uses, of that gemeente);
--   checks: the latest outcome of the checks on the source's raw table (GX; for CBS also the registry check of
--   each table), passed and failed (a check reads the whole table: the same on every row of the source).
with loads as (
    select * from {{ ref('fct_datakwaliteit_ladingen') }}
),

per_source as (
    select
        bron,
        gemeente_code,
        voor_alle_gemeenten,
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
    group by bron, gemeente_code, voor_alle_gemeenten
),

-- every source at least once: one that nobody delivered gets an empty row, for all gemeenten
rows_ as (
    select bron, gemeente_code, voor_alle_gemeenten from per_source
    union all
    select bron, null, true from {{ ref('bronnen') }} where bron not in (select bron from per_source)
),

file_periods as (
    select 'subsidies' as bron, gemeente_code, max(jaar)::varchar as laatste_periode
    from {{ ref('stg_subsidies__subsidies') }} group by all
    union all
    select 'initiatieven', gemeente_code, max(jaar)::varchar from {{ ref('stg_initiatieven__initiatieven') }} group by all
    union all
    select 'voorzieningen', gemeente_code, max(peiljaar)::varchar
    from {{ ref('stg_voorzieningen__voorzieningen') }} group by all
    union all
    select 'indicatoren', gemeente_code, max(periode) from {{ ref('stg_indicatoren__waarden') }} group by all
    union all
    select 'postcodes', gemeente_code, max(jaar)::varchar from {{ ref('stg_postcodes__postcodes') }} group by all
    union all
    select
        'zorg', gemeente_code,
        strftime(coalesce(max(einddatum) filter (where berichttype = '323'), max(dagtekening)), '%Y-%m')
    from {{ ref('stg_zorg__berichtregels') }} group by all
),

-- a row without gemeente (files of several gemeenten) has the latest period of the whole source
periods as (
    select * from file_periods
    union all
    select bron, null, max(laatste_periode) from file_periods group by bron
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
    rows_.gemeente_code,
    namen.gemeente_naam,
    rows_.voor_alle_gemeenten,
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
    coalesce(per_source.laatste_periode_cbs, periods.laatste_periode)  as laatste_periode,
    coalesce(checks.controles, 0)                                      as controles,
    coalesce(checks.controles_mislukt, 0)                              as controles_mislukt
from rows_
inner join {{ ref('bronnen') }} as bronnen using (bron)
left join per_source
    on per_source.bron = rows_.bron and per_source.gemeente_code is not distinct from rows_.gemeente_code
left join periods
    on periods.bron = rows_.bron and periods.gemeente_code is not distinct from rows_.gemeente_code
    and bronnen.bron_soort = 'gemeentebestand'
left join ({{ gemeentenamen() }}) as namen on namen.gemeente_code = rows_.gemeente_code
left join checks on checks.bron = rows_.bron
