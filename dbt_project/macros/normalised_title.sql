{#- A CBS title as people read it: CBS pads titles with spaces and non-breaking spaces. -#}
{% macro normalised_title(column) -%}
    lower(trim(regexp_replace(replace({{ column }}, chr(160), ' '), '\s+', ' ', 'g')))
{%- endmacro %}
