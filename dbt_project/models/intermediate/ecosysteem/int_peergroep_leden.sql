-- Which peer groups each gemeente of the target classification belongs to, per year: the named groups of seed
-- peergroep_leden, and its size class (grootteklassen) by the inhabitants of that year.
with gemeenten as (
    select regio_code as gemeente_code, jaar, teller as inwoners
    from {{ ref('int_indicator_geharmoniseerd') }}
    where indicator_code = 'INWONERS' and regio_code like 'GM%'
)

select gemeenten.gemeente_code, gemeenten.jaar, 'genoemd' as peergroep_soort, leden.peergroep, leden.peergroep_naam
from gemeenten
inner join {{ ref('peergroep_leden') }} as leden using (gemeente_code)
union all
select
    gemeenten.gemeente_code, gemeenten.jaar, 'grootteklasse', 'grootteklasse_' || klassen.grootteklasse,
    'Gemeenten met ' || klassen.naam
from gemeenten
inner join {{ ref('grootteklassen') }} as klassen
    on gemeenten.inwoners >= klassen.vanaf_inwoners and gemeenten.inwoners < klassen.tot_inwoners
