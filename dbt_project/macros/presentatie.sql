{#- Presentation columns: how a period, a number or a value reads on a Dutch dashboard. -#}

{#- A CBS period key (2024JJ00, 2024HJ01, 2024KW03, 2024MM12), a month (2024-12) or a year (2024) as a Dutch reader
    writes it: "2024", "1e halfjaar 2024", "3e kwartaal 2024", "december 2024". Anything else as it is. -#}
{% macro periode_naam(periode) -%}
    case
        when {{ periode }} similar to '[0-9]{4}(JJ00)?' then left({{ periode }}, 4)
        when {{ periode }} similar to '[0-9]{4}HJ0[12]' then right({{ periode }}, 1) || 'e halfjaar ' || left({{ periode }}, 4)
        when {{ periode }} similar to '[0-9]{4}KW0[1-4]' then right({{ periode }}, 1) || 'e kwartaal ' || left({{ periode }}, 4)
        when {{ periode }} similar to '[0-9]{4}(MM|-)[0-9]{2}'
            then list_element(['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus',
                               'september', 'oktober', 'november', 'december'], right({{ periode }}, 2)::integer)
                 || ' ' || left({{ periode }}, 4)
        else {{ periode }}
    end
{%- endmacro %}

{#- A number in Dutch notation with a fixed number of decimals: 1.234,56. -#}
{% macro nl_getal(getal, decimalen) -%}
    translate(format('{:,.' || ({{ decimalen }})::varchar || 'f}', {{ getal }}), ',.', '.,')
{%- endmacro %}

{#- An indicator value as text in its unit, with the catalogue's decimals: "€ 32,12" (euro ...), "15,2%" (%),
    "111,5" (anything else, the unit stands beside it). NULL stays NULL. -#}
{% macro waarde_tekst(waarde, decimalen, eenheid) -%}
    case
        when {{ waarde }} is null then null
        when {{ eenheid }} like 'euro%' then '€ ' || {{ nl_getal(waarde, decimalen) }}
        when {{ eenheid }} = '%' then {{ nl_getal(waarde, decimalen) }} || '%'
        else {{ nl_getal(waarde, decimalen) }}
    end
{%- endmacro %}
