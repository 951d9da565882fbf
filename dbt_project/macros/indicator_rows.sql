{#-
  The contract of every int_indicator__<domain> model: one row per indicator x uitsplitsing x region x period.
  Additive indicators give `teller` (numerator) and/or `noemer` (denominator) as counts or amounts, so they can
  be converted to another classification and recomputed (value = teller / noemer x factor, or teller x factor
  for a count); others give `waarde` only (a median, a survey percentage). `aantal_clienten` is the number of
  clients the value rests on (for suppression). `indicator` is a catalogue code, or a SQL expression giving one.
-#}
{% macro indicator_row(indicator, regio_code, periode, teller='null', noemer='null', waarde='null',
                       aantal_clienten='null', uitsplitsing="'totaal'", uitsplitsing_naam='null',
                       is_voorlopig='false', is_synthetisch='false', bron='null') -%}
    {{ ("'" ~ indicator ~ "'") if modules.re.fullmatch('[A-Z0-9_]+', indicator) else indicator }} as indicator_code,
    {{ uitsplitsing }}::varchar             as uitsplitsing,
    {{ uitsplitsing_naam }}::varchar        as uitsplitsing_naam,
    {{ regio_code }}::varchar               as regio_code,
    {{ periode }}::varchar                  as periode,
    {{ teller }}::double                    as teller,
    {{ noemer }}::double                    as noemer,
    {{ waarde }}::double                    as waarde,
    {{ aantal_clienten }}::double           as aantal_clienten,
    coalesce({{ is_voorlopig }}, false)     as is_voorlopig,
    coalesce({{ is_synthetisch }}, false)   as is_synthetisch,
    {{ bron }}::varchar                     as bron
{%- endmacro %}
