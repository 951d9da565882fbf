{#- The one rule for why a cell is not shown: not in the CBS edition at all, secret or unknown at the source, or
    fewer than var min_cell_size clients. `applies`: a condition for the rule to apply at all (fct_indicator: the
    catalogue says the indicator rests on clients). NULL: the cell is shown. -#}
{% macro onderdrukt_reden(count, gepubliceerd='true', applies='true') -%}
    case
        when not ({{ applies }}) then null
        when not coalesce({{ gepubliceerd }}, false) then 'CBS: niet gepubliceerd in deze editie'
        when {{ count }} is null then 'CBS: geheim of onbekend'
        when {{ count }} < {{ var('min_cell_size') }} then 'minder dan {{ var("min_cell_size") }} cliënten'
    end
{%- endmacro %}
