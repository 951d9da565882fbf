-- The own care data's indicators (int_zorg_eigen_per_gemeente_jaar, incremental per gemeente, year and part) in
-- the contract of every int_indicator__<domain> model: without the gemeente, year, part and fingerprint it keeps
-- per row.
select * exclude (gemeente_code, jaar, onderdeel, invoer_vingerafdruk)
from {{ ref('int_zorg_eigen_per_gemeente_jaar') }}
