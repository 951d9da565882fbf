-- Every taakveld of the social domain (6.x) and sport (5.1, 5.2) in the Iv3 data must be in the crosswalk of its
-- code list, except the ones outside the analysis on purpose (6.3 inkomensregelingen, 6.4, 6.5, 6.9x).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_cbs__iv3'}}}) }}
with taakvelden as (
    select distinct
        taakveld_sleutel as taakveld,
        case when jaar >= 2025 then 2025 when jaar >= 2023 then 2023 else 2017 end as codelijst
    from {{ ref('stg_cbs__iv3') }}
    where taakveld_sleutel like '6.%' or taakveld_sleutel in ('5.1', '5.2')
)

select taakvelden.*
from taakvelden
left join {{ ref('taakveld_omzetting') }} as crosswalk using (codelijst, taakveld)
where crosswalk.taakveld is null
  and not regexp_matches(taakveld, '^6\.(3|4|5|9)')
