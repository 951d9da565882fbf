-- Every subsidy with the ecosystem element its scheme supports. Precedence (documented in the seeds' yml):
-- override for the gemeente > override for all gemeenten > first keyword rule by prioriteit > Financiering.
-- The mapping depends only on (gemeente, regeling), so it is decided once per scheme.
with subsidies as (
    select * from {{ ref('stg_subsidies__subsidies') }}
),

schemes as (
    select distinct gemeente_code, regeling from subsidies
),

overrides as (
    select
        schemes.gemeente_code,
        schemes.regeling,
        arg_min(o.element_code, o.gemeente_code is null) as element_code
    from schemes
    inner join {{ ref('regeling_element_uitzonderingen') }} as o
        on lower(trim(o.regeling)) = lower(trim(schemes.regeling))
        and (o.gemeente_code is null or o.gemeente_code = schemes.gemeente_code)
    group by all
),

rules as (
    select
        schemes.gemeente_code,
        schemes.regeling,
        arg_min(r.element_code, r.prioriteit) as element_code,
        min(r.prioriteit) as prioriteit
    from schemes
    inner join {{ ref('regeling_element_regels') }} as r
        on regexp_matches(lower(schemes.regeling), r.patroon)
    group by all
),

mapped as (
    select
        schemes.gemeente_code,
        schemes.regeling,
        coalesce(overrides.element_code, rules.element_code, 'financiering') as element_code,
        case
            when overrides.element_code is not null then 'uitzondering'
            when rules.element_code is not null then 'regel ' || rules.prioriteit
            else 'standaard'
        end as element_bron
    from schemes
    left join overrides
        on overrides.regeling = schemes.regeling
        and overrides.gemeente_code is not distinct from schemes.gemeente_code
    left join rules
        on rules.regeling = schemes.regeling
        and rules.gemeente_code is not distinct from schemes.gemeente_code
)

select
    subsidies.*,
    mapped.element_code,
    elementen.element_naam,
    mapped.element_bron
from subsidies
inner join mapped
    on mapped.regeling = subsidies.regeling
    and mapped.gemeente_code is not distinct from subsidies.gemeente_code
inner join {{ ref('ecosysteem_elementen') }} as elementen
    on elementen.element_code = mapped.element_code
