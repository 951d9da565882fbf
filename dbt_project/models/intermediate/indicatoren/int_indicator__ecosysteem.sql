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

initiatives as (
    select * from {{ ref('stg_initiatieven__initiatieven') }}
    where status in ('lopend', 'afgerond')  -- requested or rejected initiatives do not (yet) count
),

subsidy_cells as (
    -- every region, for every element and for the total
    select regions.*, element.element_code
    from regions
    cross join (select element_code from elements union all select 'totaal') as element
),

subsidy_totals as (
    select
        cells.regio_code, cells.periode, cells.element_code, cells.inwoners,
        coalesce(sum(register.bedrag_verleend), 0) as bedrag,
        bool_or(cells.is_synthetisch or coalesce(register.is_synthetisch, false)) as is_synthetisch
    {{ register_rows_per_region('subsidy_cells', 'subsidies', 'subsidies',
                                also="(cells.element_code = 'totaal' or register.element_code = cells.element_code)") }}
    group by all
),

initiative_totals as (
    select
        cells.regio_code, cells.periode, cells.inwoners,
        count(register.naam)                                                                   as initiatieven,
        count(register.naam) filter (where nullif(trim(register.partners), '') is not null)     as met_partner,
        coalesce(sum(register.aantal_vrijwilligers), 0)                                         as vrijwilligers,
        coalesce(sum(register.aantal_deelnemers), 0)                                            as deelnemers,
        bool_or(cells.is_synthetisch or coalesce(register.is_synthetisch, false))               as is_synthetisch
    -- a list counts for its year even if every initiative in it was requested or rejected
    {{ register_rows_per_region('regions', 'initiatives', ref('stg_initiatieven__initiatieven')) }}
    group by all
),

voorziening_totals as (
    select
        cells.regio_code, cells.periode, cells.inwoners,
        count(register.naam)                                                       as voorzieningen,
        coalesce(sum(register.uren_open_per_week), 0)                              as openingsuren,
        bool_or(cells.is_synthetisch or coalesce(register.is_synthetisch, false))  as is_synthetisch
    {{ register_rows_per_region('regions', ref('int_voorzieningen_per_wijk'), ref('int_voorzieningen_per_wijk'),
                                year_column='peiljaar') }}
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
