-- Grain: one row per wijk (target classification) per year: the key figures of the wijk, and what goes well and
-- what needs attention relative to the wijken of its peer group (from fct_wijkprofiel_vergelijking: at least half
-- a standard deviation better or worse, at most three of each, the clearest first).
{%- set key_figures = {
    'inwoners': 'INWONERS.waarde', 'pct_65_plus': 'PCT_65_PLUS.waarde',
    'wmo_clienten_per_1000': 'WMO_CLIENTEN_PER_1000.waarde', 'jeugdzorg_pct': 'JEUGDZORG_PCT.waarde',
    'bijstand_per_1000': 'BIJSTAND_PER_1000.waarde',
    'subsidie_sociale_basis_per_inwoner': 'SUBSIDIE_SOCIALE_BASIS_PER_INWONER.waarde',
    'initiatieven_per_1000': 'INITIATIEVEN_PER_1000.waarde', 'voorzieningen_per_1000': 'VOORZIENINGEN_PER_1000.waarde',
    'score_sociale_cohesie': 'SCORE_SOCIALE_COHESIE.waarde', 'pct_eenzaam': 'PCT_EENZAAM.waarde',
} %}
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'wijk' and uitsplitsing = 'totaal' and not is_halfjaar
),

figures as (
    select
        regio_code, any_value(regio_naam) as wijk_naam, any_value(gemeente_code) as gemeente_code,
        any_value(gemeente_naam) as gemeente_naam, jaar,
        bool_or(is_onderdrukt) filter (where indicator_code in ({{ indicator_codes(key_figures) }}))
            as heeft_onderdrukte_cijfers,
        {{ pivot_indicators(key_figures) }}
    from indicators
    group by regio_code, jaar
),

comparison as (
    select
        wijk_code as regio_code, jaar,
        list(indicator_naam order by z_score desc) filter (where is_sterk)   as sterk,
        list(indicator_naam order by z_score asc) filter (where is_aandachtspunt) as aandacht
    from {{ ref('fct_wijkprofiel_vergelijking') }}
    group by all
)

select
    figures.regio_code                                              as wijk_code,
    figures.* exclude (regio_code),
    make_date(figures.jaar, 1, 1)                                   as peildatum,
    array_to_string(list_slice(comparison.sterk, 1, 3), '; ')       as sterke_punten,
    array_to_string(list_slice(comparison.aandacht, 1, 3), '; ')    as aandachtspunten
from figures
left join comparison using (regio_code, jaar)
