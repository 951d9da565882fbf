-- Grain: one row per wijk (target classification) per year: the key figures of the wijk, and what goes well and
-- what needs attention relative to the wijken of its peer group (from fct_wijkprofiel_vergelijking: at least half
-- a standard deviation better or worse, at most three of each, the clearest first).
{%- set key_figures = {
    'INWONERS': 'inwoners', 'PCT_65_PLUS': 'pct_65_plus', 'WMO_CLIENTEN_PER_1000': 'wmo_clienten_per_1000',
    'JEUGDZORG_PCT': 'jeugdzorg_pct', 'BIJSTAND_PER_1000': 'bijstand_per_1000',
    'SUBSIDIE_SOCIALE_BASIS_PER_INWONER': 'subsidie_sociale_basis_per_inwoner',
    'INITIATIEVEN_PER_1000': 'initiatieven_per_1000', 'VOORZIENINGEN_PER_1000': 'voorzieningen_per_1000',
    'SCORE_SOCIALE_COHESIE': 'score_sociale_cohesie', 'PCT_EENZAAM': 'pct_eenzaam',
} %}
with indicators as (
    select * from {{ ref('fct_indicator') }}
    where regio_niveau = 'wijk' and uitsplitsing = 'totaal' and not is_halfjaar
),

figures as (
    select
        regio_code, any_value(regio_naam) as wijk_naam, any_value(gemeente_code) as gemeente_code,
        any_value(gemeente_naam) as gemeente_naam, jaar,
        {%- for code, column in key_figures.items() %}
        max(waarde) filter (where indicator_code = '{{ code }}') as {{ column }},
        {%- endfor %}
        bool_or(is_onderdrukt) filter (where indicator_code in ({{ "'" ~ key_figures.keys() | join("', '") ~ "'" }}))
            as heeft_onderdrukte_cijfers,
        bool_or(is_voorlopig) as is_voorlopig,
        bool_or(is_geschat) as is_geschat,
        bool_or(is_synthetisch) as is_synthetisch
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
