{#- The sources the data-quality marts report on, by raw table name (tests/unit/test_check_results.py checks these
    lists against the CBS registry and the gemeente-file mappings; seed bronnen gives their names). -#}
{% macro cbs_tabellen() %}
    {{ return(['cbs_kerncijfers_wijken_buurten', 'cbs_wmo_clienten_type_wijk', 'cbs_jeugdzorg_wijk',
               'cbs_jeugdzorg_gemeente', 'cbs_jeugdhulp_verwijzer', 'cbs_wmo_kosten', 'cbs_jeugdzorg_kosten',
               'cbs_iv3', 'cbs_bijstand', 'cbs_bevolking_leeftijd']) }}
{% endmacro %}

{% macro gemeentebronnen() %}
    {{ return(['indicatoren', 'initiatieven', 'postcodes', 'subsidies', 'voorzieningen', 'zorg']) }}
{% endmacro %}

{#- The gemeente of a gemeente, wijk or buurt code: GM0141, WK014101 and BU01410101 all lie in GM0141. -#}
{% macro gemeente_van(regio_code) -%}
    'GM' || substr({{ regio_code }}, 3, 4)
{%- endmacro %}

{#- Every gemeente code with its newest name, to join on gemeente_code. -#}
{% macro gemeentenamen() -%}
    select gemeente_code, arg_max(gemeente_naam, indeling_jaar) as gemeente_naam
    from {{ ref('dim_regio') }}
    where soort_regio = 'gemeente'
    group by gemeente_code
{%- endmacro %}
