-- Iv3 lasten per trend group: the level that is comparable over every taakveld code list, on the target gemeente
-- classification. This is the series for multi-year cost trends.
with per_trendgroep as (
    select gemeente_code, jaar, verslagsoort, trendgroep, sum(lasten) as lasten,
           bool_or(is_voorlopig) as is_voorlopig, bool_or(is_synthetisch) as is_synthetisch
    from {{ ref('int_iv3_lasten_per_analysegroep') }}
    group by all
)

{{ harmonise('per_trendgroep', counts=['lasten'], keys=['verslagsoort', 'trendgroep'], code_column='gemeente_code') }}
