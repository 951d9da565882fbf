-- Iv3 lasten (euro) per gemeente, year, verslagsoort (begroting / jaarrekening) and analysis group, through the
-- versioned taakveld crosswalk. Only lasten (categories L*): never added to baten, never summed over
-- verslagsoorten. A finer group (e.g. wmo_hbh) exists only in the code lists that split it out; `is_trendbaar`
-- says whether the group is defined the same way in every code list, else its trend runs through `trendgroep`.
with iv3 as (
    select * from {{ ref('stg_cbs__iv3') }}
    where maat = 'k_2ePlaatsing'  -- the second, revised placement CBS publishes
      and categorie_sleutel like 'L%'
      and right(verslagsoort_sleutel, 4) in ('X000', 'X005')
),

per_taakveld as (
    select
        regio_code                                                      as gemeente_code,
        jaar,
        case right(verslagsoort_sleutel, 4) when 'X000' then 'begroting' else 'jaarrekening' end as verslagsoort,
        case when jaar >= 2025 then 2025 when jaar >= 2023 then 2023 else 2017 end as codelijst,
        taakveld_sleutel                                                as taakveld,
        sum(waarde) * 1000                                              as lasten,  -- published x 1 000 euro
        bool_or(is_voorlopig)                                           as is_voorlopig,
        bool_or(is_synthetisch)                                         as is_synthetisch
    from iv3
    group by all
)

select
    per_taakveld.gemeente_code,
    per_taakveld.jaar,
    per_taakveld.verslagsoort,
    per_taakveld.codelijst,
    crosswalk.analysegroep,
    groepen.trendgroep,
    crosswalk.analysegroep = groepen.trendgroep                        as is_trendbaar,
    sum(per_taakveld.lasten)                                           as lasten,
    string_agg(per_taakveld.taakveld, ', ' order by per_taakveld.taakveld) as taakvelden,
    bool_or(per_taakveld.is_voorlopig)                                 as is_voorlopig,
    bool_or(per_taakveld.is_synthetisch)                               as is_synthetisch
from per_taakveld
inner join {{ ref('taakveld_omzetting') }} as crosswalk using (codelijst, taakveld)
inner join {{ ref('analysegroepen') }} as groepen using (analysegroep)
group by all
