-- Indicators of the sociale basis from the gemeente's own registers: subsidies per ecosystem element, citizen
-- initiatives, meeting places, and survey figures from the indicator upload. A register counts for the gemeente
-- and year it was delivered for: a wijk without any subsidy or initiative in a delivered register is a real 0,
-- while a gemeente or year without a register has no value at all (no data is not zero).
with regions as (
    select regio_code, gemeente_code, soort_regio, jaar, jaar || 'JJ00' as periode, inwoners, is_synthetisch
    from {{ ref('int_kerncijfers_per_regio_jaar') }}
    where soort_regio in ('gemeente', 'wijk')
),

elements as (
    select element_code from {{ ref('ecosysteem_elementen') }}
),

subsidies as (
    select * from {{ ref('int_subsidies_per_element') }}
),

subsidies_delivered as (
    select distinct gemeente_code, jaar from subsidies
),

subsidy_cells as (
    -- every region of a gemeente that delivered its register, for every element and for the total
    select regions.*, element.element_code
    from regions
    inner join subsidies_delivered using (gemeente_code, jaar)
    cross join (select element_code from elements union all select 'totaal') as element
),

subsidy_totals as (
    select
        cells.regio_code, cells.periode, cells.element_code, cells.inwoners,
        coalesce(sum(subsidies.bedrag_verleend), 0) as bedrag,
        bool_or(cells.is_synthetisch or coalesce(subsidies.is_synthetisch, false)) as is_synthetisch
    from subsidy_cells as cells
    left join subsidies
        on subsidies.gemeente_code = cells.gemeente_code
        and subsidies.jaar = cells.jaar
        and (cells.soort_regio = 'gemeente' or subsidies.wijk_code = cells.regio_code)
        and (cells.element_code = 'totaal' or subsidies.element_code = cells.element_code)
    group by all
),

initiatives as (
    select * from {{ ref('stg_initiatieven__initiatieven') }}
    where status in ('lopend', 'afgerond')  -- requested or rejected initiatives do not (yet) count
),

initiatives_delivered as (
    select distinct gemeente_code, jaar from {{ ref('stg_initiatieven__initiatieven') }}
),

initiative_totals as (
    select
        regions.regio_code, regions.periode, regions.inwoners,
        count(initiatives.naam)                                            as initiatieven,
        count(initiatives.naam) filter (where nullif(trim(initiatives.partners), '') is not null) as met_partner,
        coalesce(sum(initiatives.aantal_vrijwilligers), 0)                 as vrijwilligers,
        coalesce(sum(initiatives.aantal_deelnemers), 0)                    as deelnemers,
        bool_or(regions.is_synthetisch or coalesce(initiatives.is_synthetisch, false)) as is_synthetisch
    from regions
    inner join initiatives_delivered using (gemeente_code, jaar)
    left join initiatives
        on initiatives.gemeente_code = regions.gemeente_code
        and initiatives.jaar = regions.jaar
        and (regions.soort_regio = 'gemeente' or initiatives.wijk_code = regions.regio_code)
    group by all
),

voorzieningen as (
    select * from {{ ref('int_voorzieningen_per_wijk') }}
),

voorzieningen_delivered as (
    select distinct gemeente_code, peiljaar as jaar from voorzieningen
),

voorziening_totals as (
    select
        regions.regio_code, regions.periode, regions.inwoners,
        count(voorzieningen.naam)                              as voorzieningen,
        coalesce(sum(voorzieningen.uren_open_per_week), 0)     as openingsuren,
        bool_or(regions.is_synthetisch or coalesce(voorzieningen.is_synthetisch, false)) as is_synthetisch
    from regions
    inner join voorzieningen_delivered using (gemeente_code, jaar)
    left join voorzieningen
        on voorzieningen.gemeente_code = regions.gemeente_code
        and voorzieningen.peiljaar = regions.jaar
        and (regions.soort_regio = 'gemeente' or voorzieningen.wijk_code = regions.regio_code)
    group by all
),

survey as (
    select waarden.*
    from {{ ref('stg_indicatoren__waarden') }} as waarden
    inner join {{ ref('indicator_catalog') }} as catalog on catalog.code = waarden.indicator_code
    where waarden.regio_niveau in ('gemeente', 'wijk')
)

{% set sub = "'Subsidieregister gemeente; CBS Kerncijfers wijken en buurten'" %}
{% set ini = "'Register bewonersinitiatieven gemeente; CBS Kerncijfers wijken en buurten'" %}
{% set vz = "'Lijst voorzieningen gemeente; CBS Kerncijfers wijken en buurten'" %}
select {{ indicator_row("case element_code when 'totaal' then 'SUBSIDIE_SOCIALE_BASIS_PER_INWONER'
        else 'SUBSIDIE_' || upper(element_code) || '_PER_INWONER' end", 'regio_code', 'periode', teller='bedrag',
        noemer='inwoners', is_synthetisch='is_synthetisch', bron=sub) }}
from subsidy_totals
where element_code <> 'financiering'  -- schemes of the financing element itself count in the total only
union all
select {{ indicator_row('INITIATIEVEN_PER_1000', 'regio_code', 'periode', teller='initiatieven', noemer='inwoners',
        is_synthetisch='is_synthetisch', bron=ini) }}
from initiative_totals
union all
select {{ indicator_row('INITIATIEVEN_MET_PARTNER_PCT', 'regio_code', 'periode', teller='met_partner',
        noemer='initiatieven', is_synthetisch='is_synthetisch', bron=ini) }}
from initiative_totals
where initiatieven > 0
union all
select {{ indicator_row('VRIJWILLIGERS_PER_1000', 'regio_code', 'periode', teller='vrijwilligers', noemer='inwoners',
        is_synthetisch='is_synthetisch', bron=ini) }}
from initiative_totals
union all
select {{ indicator_row('DEELNEMERS_PER_1000', 'regio_code', 'periode', teller='deelnemers', noemer='inwoners',
        is_synthetisch='is_synthetisch', bron=ini) }}
from initiative_totals
union all
select {{ indicator_row('VOORZIENINGEN_PER_1000', 'regio_code', 'periode', teller='voorzieningen', noemer='inwoners',
        is_synthetisch='is_synthetisch', bron=vz) }}
from voorziening_totals
union all
select {{ indicator_row('OPENINGSUREN_PER_1000', 'regio_code', 'periode', teller='openingsuren', noemer='inwoners',
        is_synthetisch='is_synthetisch', bron=vz) }}
from voorziening_totals
union all
select {{ indicator_row('indicator_code', 'regio_code', 'periode', waarde='waarde', is_synthetisch='is_synthetisch',
        bron="coalesce(bron, 'Indicatoren-upload gemeente')") }}
from survey
