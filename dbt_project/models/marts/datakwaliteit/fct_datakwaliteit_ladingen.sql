-- Grain: one row per load: a CBS release (snapshot) of a table, or an attempt to load a gemeente file. What came
-- in and whether it adds up. For a file: rows in the file, loaded and quarantined as the load log says (the reasons
-- in Dutch), and the
-- rows found in raw.<source> and quarantine.<source> for that file and load; is_sluitend when rows in the file =
-- loaded + quarantined and both are what the tables hold. For a CBS release: observations, cells that are
-- secret, missing (also: not yet available, discontinued) or provisional, the registry measures the edition does
-- not publish at all (loaded as `not_published` cells, never as zeros), and the periods it holds.
-- gemeente_code: the gemeente a file speaks for (its folder, else the one gemeente all its rows name; none for a
-- file with rows of several gemeenten, which only users of all gemeenten see); a CBS release is voor_alle_gemeenten.
with cbs as (
    select
        bron,
        snapshot_id                                                                  as lading,
        cbs_tabel                                                                    as bestand,
        any_value(load_id)                                                           as load_id,
        min(loaded_at)                                                               as geladen_op,
        min(retrieved_at)                                                            as opgehaald_op,
        count(*)                                                                     as rijen_geladen,
        count(*) filter (where waarde_status = 'secret')                             as cellen_geheim,
        count(*) filter (where waarde_status not in ('ok', 'text', 'secret', 'not_published'))
                                                                                     as cellen_ontbrekend,
        string_agg(distinct maat, ', ' order by maat) filter (where waarde_status = 'not_published')
                                                                                     as maten_niet_gepubliceerd,
        count(*) filter (where is_voorlopig)                                         as cellen_voorlopig,
        min(periode)                                                                 as eerste_periode,
        max(periode) filter (where waarde_status = 'ok')                             as laatste_periode,
        bool_or(is_synthetisch)                                                      as is_synthetisch
    from {{ ref('stg_cbs__waarnemingen') }}
    group by bron, snapshot_id, cbs_tabel
),

counted as (
    select
        bron, file_sha256, load_id,
        count(*) filter (where tabel = 'raw')        as rijen_in_raw,
        count(*) filter (where tabel = 'quarantine') as rijen_in_quarantaine_tabel
    from {{ ref('stg_gemeentebestanden__rijen') }}
    group by all
),

file_gemeenten as (
    select bron, file_sha256, case when count(distinct gemeente_code) = 1 then min(gemeente_code) end as gemeente_code
    from {{ ref('stg_gemeentebestanden__rijen') }}
    where gemeente_code is not null
    group by all
),

files as (
    select
        loads.* replace (coalesce(loads.gemeente_code, file_gemeenten.gemeente_code) as gemeente_code),
        coalesce(counted.rijen_in_raw, 0)                  as rijen_in_raw,
        coalesce(counted.rijen_in_quarantaine_tabel, 0)    as rijen_in_quarantaine_tabel,
        (
            select string_agg(coalesce(redenen.reden, reasons.reason) || ': ' || reasons.n, ', '
                              order by coalesce(redenen.reden, reasons.reason))
            from (select unnest(map_keys(loads.quarantaine_per_reden)) as reason,
                         unnest(map_values(loads.quarantaine_per_reden)) as n) as reasons
            left join {{ ref('quarantaineredenen') }} as redenen on redenen.reden_code = reasons.reason
        )                                                  as quarantaine_redenen
    from {{ ref('stg_meta__file_loads') }} as loads
    left join counted
        on counted.bron = loads.bron
        and counted.file_sha256 = loads.file_sha256
        and counted.load_id = loads.load_id
        and loads.status = 'loaded'
    left join file_gemeenten
        on file_gemeenten.bron = loads.bron
        and file_gemeenten.file_sha256 = loads.file_sha256
),

ladingen as (
    select
        cbs.bron,
        'cbs'                                                   as bron_soort,
        cbs.lading,
        cbs.bestand,
        cbs.load_id,
        cbs.geladen_op,
        cbs.opgehaald_op,
        'geladen'                                               as status,
        null::varchar                                           as foutmelding,
        null::bigint                                            as rijen_in_bestand,
        cbs.rijen_geladen,
        0::bigint                                               as rijen_in_quarantaine,
        null::bigint                                            as lege_rijen,
        null::varchar                                           as quarantaine_redenen,
        null::varchar                                           as waarschuwingen,
        cbs.rijen_geladen                                       as rijen_in_raw,
        0::bigint                                               as rijen_in_quarantaine_tabel,
        true                                                    as is_sluitend,
        cbs.cellen_geheim,
        cbs.cellen_ontbrekend,
        cbs.maten_niet_gepubliceerd,
        cbs.cellen_voorlopig,
        cbs.eerste_periode,
        cbs.laatste_periode,
        {{ periode_naam('cbs.eerste_periode') }}                as eerste_periode_naam,
        {{ periode_naam('cbs.laatste_periode') }}               as laatste_periode_naam,
        -- the newest release of a table is the one staging reads (cell by cell, older releases fill gaps)
        cbs.opgehaald_op = max(cbs.opgehaald_op) over (partition by cbs.bron, cbs.bestand) as is_nieuwste_release,
        cbs.is_synthetisch,
        null::varchar                                           as gemeente_code,
        true                                                    as voor_alle_gemeenten
    from cbs
    union all
    select
        bron,
        'gemeentebestand',
        file_sha256,
        source_file,
        load_id,
        gestart_op,
        null::timestamptz,
        case status
            when 'loaded' then 'geladen' when 'duplicate' then 'dubbel' when 'held' then 'wacht op bevestiging'
            else 'mislukt'
        end,
        foutmelding,
        rijen_in_bestand,
        rijen_geladen,
        rijen_in_quarantaine,
        lege_rijen,
        quarantaine_redenen,
        array_to_string(waarschuwingen, '; '),
        rijen_in_raw,
        rijen_in_quarantaine_tabel,
        case
            when status <> 'loaded' then null
            else rijen_in_bestand = rijen_geladen + rijen_in_quarantaine
                and rijen_geladen = rijen_in_raw
                and rijen_in_quarantaine = rijen_in_quarantaine_tabel
        end,
        null::bigint,
        null::bigint,
        null::varchar,
        null::bigint,
        null::varchar,
        null::varchar,
        null::varchar,
        null::varchar,
        null::boolean,
        is_synthetisch,
        gemeente_code,
        false
    from files
)

select ladingen.*, bronnen.bron_naam, namen.gemeente_naam
from ladingen
left join {{ ref('bronnen') }} as bronnen using (bron)
left join ({{ gemeentenamen() }}) as namen using (gemeente_code)
