-- Grain: one row per mart x indicator (`-` for a mart that is not per indicator) x gemeente (none for regions above
-- a gemeente): how many cells the mart has and how many are suppressed (value NULL, is_onderdrukt), because they
-- rest on fewer than var min_cell_size clients or because CBS keeps them secret or does not know them. Every mart
-- Superset reads with an is_onderdrukt column is listed here (tests/integration/test_data_quality.py checks that).
{%- set per_indicator = ['fct_indicator', 'fct_wijkprofiel_vergelijking'] %}
{%- set not_per_indicator = ['fct_zorggebruik_wijk', 'fct_zorggebruik_wijk_geharmoniseerd'] %}
with cells as (
    {%- for mart in per_indicator + not_per_indicator %}
    select
        '{{ mart }}' as mart,
        {{ 'indicator_code' if mart in per_indicator else "'-'" }} as indicator_code,
        gemeente_code,
        is_onderdrukt,
        onderdrukt_reden
    from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    mart,
    indicator_code,
    cells.gemeente_code,
    any_value(namen.gemeente_naam)                                                  as gemeente_naam,
    count(*)                                                                        as cellen,
    count(*) filter (where is_onderdrukt)                                           as onderdrukt,
    count(*) filter (where is_onderdrukt and onderdrukt_reden like 'minder dan %')  as onderdrukt_te_weinig_clienten,
    count(*) filter (where is_onderdrukt and onderdrukt_reden like 'CBS%')          as onderdrukt_geheim_of_onbekend,
    round(100.0 * count(*) filter (where is_onderdrukt) / count(*), 1)              as pct_onderdrukt
from cells
left join ({{ gemeentenamen() }}) as namen using (gemeente_code)
group by mart, indicator_code, cells.gemeente_code
