-- The installation's own conversion matrix for wijk (or buurt) re-divisions (installation.yaml wijk_conversion,
-- passed as var wijk_omzetting: the file's absolute path, empty when the installation has none), in the form of the
-- gemeente crosswalk. Read here rather than as a seed: it is the installation's data, not the product's.
{%- if var('wijk_omzetting') %}
select van_code, naar_code, van_indeling, naar_indeling, aandeel, bron
from read_csv(
    '{{ var("wijk_omzetting") }}', header = true, auto_detect = false,
    columns = {'van_code': 'VARCHAR', 'naar_code': 'VARCHAR', 'van_indeling': 'INTEGER', 'naar_indeling': 'INTEGER',
               'aandeel': 'DOUBLE', 'bron': 'VARCHAR'}
)
{%- else %}
select
    null::varchar as van_code, null::varchar as naar_code, null::integer as van_indeling,
    null::integer as naar_indeling, null::double as aandeel, null::varchar as bron
where false
{%- endif %}
