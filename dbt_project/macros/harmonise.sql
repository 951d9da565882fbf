{#-
  Present a series on the target classification (var doelindeling): counts of codes that changed are moved to
  their new code(s) with the crosswalk's share and summed. Only counts: rates are recomputed afterwards from
  the summed numerator and denominator, never averaged. A converted value is flagged is_geschat; if any part
  of a sum is unknown (secret, suppressed), the sum is unknown too rather than understated.
  `relation` has one row per (code_column, year_column, *keys); the year is the classification year.
-#}
{% macro harmonise(relation, counts, keys=[], flags=['is_voorlopig', 'is_synthetisch'], code_column='regio_code', year_column='jaar') %}
select
    coalesce(omzetting.doel_code, facts.{{ code_column }}) as {{ code_column }},
    facts.{{ year_column }},
    {%- for key in keys %}
    facts.{{ key }},
    {%- endfor %}
    {%- for count in counts %}
    case when count(facts.{{ count }}) = count(*)
         then sum(facts.{{ count }} * coalesce(omzetting.aandeel, 1)) end as {{ count }},
    {%- endfor %}
    {%- for flag in flags %}
    bool_or(facts.{{ flag }}) as {{ flag }},
    {%- endfor %}
    bool_or(omzetting.doel_code is not null) as is_geschat
from {{ relation }} as facts
left join {{ ref('int_regio_omzetting') }} as omzetting
    on omzetting.regio_code = facts.{{ code_column }} and omzetting.indeling_jaar = facts.{{ year_column }}
group by all
{% endmacro %}
