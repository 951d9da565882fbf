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

{#- Every gemeente code with its newest name, to join on gemeente_code. -#}
{% macro gemeentenamen() -%}
    select gemeente_code, arg_max(gemeente_naam, indeling_jaar) as gemeente_naam
    from {{ ref('dim_regio') }}
    where soort_regio = 'gemeente'
    group by gemeente_code
{%- endmacro %}
