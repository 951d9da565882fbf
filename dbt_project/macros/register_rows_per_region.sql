{#-
  The rows of a gemeente register (subsidies, initiatives, meeting places) per region: every region in
  `regions` (alias cells) of a gemeente that delivered the register for that year (per `delivered`), left-joined
  to the register's rows (alias register) of that region: all rows for a gemeente, the rows with its wijk code for
  a wijk. No register for a gemeente and year: no row, so no value (no data is not zero); a delivered register
  without rows for a wijk: the wijk's row with NULLs, which counts as a real 0. `also` narrows the join further.
-#}
{% macro register_rows_per_region(regions, register, delivered, year_column='jaar', also='true') %}
from {{ regions }} as cells
inner join (select distinct gemeente_code, {{ year_column }} as jaar from {{ delivered }}) as delivered
    using (gemeente_code, jaar)
left join {{ register }} as register
    on register.gemeente_code = cells.gemeente_code
    and register.{{ year_column }} = cells.jaar
    and (cells.soort_regio = 'gemeente' or register.wijk_code = cells.regio_code)
    and {{ also }}
{% endmacro %}
