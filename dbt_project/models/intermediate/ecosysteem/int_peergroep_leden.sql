-- Which peer groups each gemeente of the target classification belongs to, per year: the named groups of the
-- installation (var peergroepen: code, naam, leden) and, unless var grootteklasse_vergelijking is false, its size
-- class (grootteklassen) by the inhabitants of that year.
with gemeenten as (
    select regio_code as gemeente_code, jaar, teller as inwoners
    from {{ ref('int_indicator_geharmoniseerd') }}
    where indicator_code = 'INWONERS' and regio_code like 'GM%'
),

leden as (
    {%- for groep in var('peergroepen') %}
    select
        {{ "'" ~ groep.code ~ "'" }} as peergroep,
        {{ "'" ~ groep.naam | replace("'", "''") ~ "'" }} as peergroep_naam,
        unnest([{{ "'" ~ groep.leden | join("', '") ~ "'" }}]) as gemeente_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select gemeenten.gemeente_code, gemeenten.jaar, 'genoemd' as peergroep_soort, leden.peergroep, leden.peergroep_naam
from gemeenten
inner join leden using (gemeente_code)
{%- if var('grootteklasse_vergelijking') %}
union all
select
    gemeenten.gemeente_code, gemeenten.jaar, 'grootteklasse', 'grootteklasse_' || klassen.grootteklasse,
    'Gemeenten met ' || klassen.naam
from gemeenten
inner join {{ ref('grootteklassen') }} as klassen
    on gemeenten.inwoners >= klassen.vanaf_inwoners and gemeenten.inwoners < klassen.tot_inwoners
{%- endif %}
