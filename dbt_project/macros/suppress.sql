{#- The reason a cell is not shown: not in the CBS edition at all, secret or unknown at the source, or fewer than
    var min_cell_size clients. -#}
{% macro onderdrukt_reden(count, gepubliceerd='true') -%}
    case
        when not coalesce({{ gepubliceerd }}, false) then 'CBS: niet gepubliceerd in deze editie'
        when {{ count }} is null then 'CBS: geheim of onbekend'
        when {{ count }} < {{ var('min_cell_size') }} then 'minder dan {{ var("min_cell_size") }} cliënten'
    end
{%- endmacro %}
