{#-
  Staging for one CBS raw table (all families share the long raw schema): every cell (region x period x
  dimensions x measure) from the newest release that has it, so a revised or final figure replaces a provisional
  one while raw keeps every release. `dimensions` maps a role to the CBS dimension names it has had over the
  editions (as in pipelines/sources/cbs/registry.yaml): {'voorziening': ['TypeMaatwerkarrangement',
  'TypeMaatwerkvoorziening']} adds voorziening_sleutel and voorziening_titel, from whichever the release has.
  A measure a release does not publish is kept with waarde_status 'not_published' (and no waarde). Columns are
  Dutch (maat, waarde, tekst, waarde_status, eenheid, cbs_tabel: README, "Code layout and naming"); snapshot_id
  and retrieved_at keep their names, as every provenance column does.
-#}
{% macro stg_cbs(table, dimensions={}) %}
with source as (
    select * from {{ source('raw', table) }}
),

newest_release_per_cell as (
    select *
    from source
    qualify row_number() over (
        partition by region_code, period_key, cast(dimensions as varchar), measure
        order by retrieved_at desc, snapshot_id desc
    ) = 1
)

select
    region_code                                   as regio_code,
    region_name                                   as regio_naam,
    period_key                                    as periode,
    cast(left(period_key, 4) as integer)          as jaar,
    substr(period_key, 5, 2)                      as periode_soort,
    {%- for role, names in dimensions.items() %}
    {%- set names = [names] if names is string else names %}
    coalesce({% for name in names %}dimensions['{{ name }}']{{ ', ' if not loop.last }}{% endfor %}) as {{ role }}_sleutel,
    coalesce({% for name in names %}dimension_titles['{{ name }}']{{ ', ' if not loop.last }}{% endfor %}) as {{ role }}_titel,
    {%- endfor %}
    measure                                       as maat,
    value                                         as waarde,
    value_text                                    as tekst,
    value_status                                  as waarde_status,
    unit                                          as eenheid,
    is_voorlopig,
    is_synthetic                                  as is_synthetisch,
    table_id                                      as cbs_tabel,
    snapshot_id,
    retrieved_at
from newest_release_per_cell
{% endmacro %}
