{#- One wide row from fct_indicator's long rows: `columns` maps an output column to '<INDICATOR_CODE>.<field>'
    (field: waarde, teller or noemer, optionally cast: 'INWONERS.waarde::integer'), followed by the flags that
    travel with every number (true when any value of the row has them). The model groups by its grain and can
    filter with indicator_codes(columns). -#}
{% macro pivot_indicators(columns, flags=['is_geschat', 'is_voorlopig', 'is_synthetisch']) -%}
    {%- for name, spec in columns.items() %}
    {%- set code, field = spec.split('.', 1) %}
    max({{ field }}) filter (where indicator_code = '{{ code }}') as {{ name }},
    {%- endfor %}
    {%- for flag in flags %}
    bool_or({{ flag }}) as {{ flag }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro indicator_codes(columns) -%}
    {%- set codes = [] %}
    {%- for spec in columns.values() %}
        {%- set code = spec.split('.')[0] %}
        {%- if code not in codes %}{% do codes.append(code) %}{% endif %}
    {%- endfor -%}
    '{{ codes | join("', '") }}'
{%- endmacro %}
