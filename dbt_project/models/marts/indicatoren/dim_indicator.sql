-- The indicator catalogue as dashboards show it: definitions reachable from every chart.
select
    catalog.*,
    elementen.element_naam,
    elementen.element_nummer
from {{ ref('indicator_catalog') }} as catalog
left join {{ ref('ecosysteem_elementen') }} as elementen using (element_code)
