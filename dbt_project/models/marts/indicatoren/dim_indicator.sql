-- The indicator catalogue as dashboards show it: definitions reachable from every chart.
select
    catalog.*,
    case catalog.richting when 'hoger_beter' then 'hoger is beter' when 'hoger_slechter' then 'hoger is slechter'
        else 'geen richting' end as richting_naam,
    elementen.element_naam,
    elementen.element_nummer
from {{ ref('indicator_catalog') }} as catalog
left join {{ ref('ecosysteem_elementen') }} as elementen using (element_code)
