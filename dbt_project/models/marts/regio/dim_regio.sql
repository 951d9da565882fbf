-- Every gemeente, wijk and buurt code per classification year (indeling_jaar) with its name, level and parent,
-- as CBS published them (Kerncijfers wijken en buurten of that year), plus gemeenten that were merged away.
with regions as (
    select
        regio_code,
        regio_naam,
        soort_regio,
        jaar as indeling_jaar,
        gemeente_code,
        gemeente_naam,
        case soort_regio
            when 'buurt' then wijk_van(regio_code)
            when 'wijk' then gemeente_code
        end as ouder_code,
        is_synthetisch
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio in ('gemeente', 'wijk', 'buurt')
),

merged_away as (
    -- gemeenten from the crosswalk that are not in the loaded Kerncijfers (outside the configured region)
    select distinct
        oude_code as regio_code, oude_naam as regio_naam, 'gemeente' as soort_regio,
        case when strftime(ingangsdatum, '%m-%d') = '01-01' then year(ingangsdatum) - 1 else year(ingangsdatum) end
            as indeling_jaar,
        oude_code as gemeente_code, oude_naam as gemeente_naam, null as ouder_code, false as is_synthetisch
    from {{ ref('gemeente_herindelingen') }}
    where oude_code not in (select regio_code from regions)
)

select
    *,
    indeling_jaar = {{ var('doelindeling') }}
        or regio_code in (select regio_code from regions where indeling_jaar = {{ var('doelindeling') }})
        as in_doelindeling
from (select * from regions union all by name select * from merged_away)
