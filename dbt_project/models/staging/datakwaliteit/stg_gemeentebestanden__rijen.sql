-- Every row any gemeente file delivered, loaded (raw.<source>) or rejected (quarantine.<source>), all loads: the
-- file and load it came from, the gemeente it belongs to and, for a rejected row, the reason and the column.
-- Nothing of the row's content. A rejected row's gemeente is the one its replace scope names (none for postcodes).
{% for bron in gemeentebronnen() %}
select
    '{{ bron }}' as bron, 'raw' as tabel, file_sha256, load_id, null::varchar as reden_code, null::varchar as kolom,
    {{ 'gemeente_van(regio_code)' if bron == 'indicatoren' else 'gemeente_code' }} as gemeente_code
from {{ source('raw', bron) }}
union all
select
    '{{ bron }}', 'quarantine', file_sha256, load_id, reason_code, column_name,
    nullif(regexp_extract(replace_scope, 'GM[0-9]{4}'), '')
from {{ source('quarantine', bron) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
