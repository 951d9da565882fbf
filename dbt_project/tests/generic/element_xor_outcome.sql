{#- An indicator measures exactly one thing: an ecosystem element or an outcome, not both and not neither;
    only element indicators count in an element score. -#}
{% test element_xor_outcome(model) %}
select code
from {{ model }}
where (element_code is null) = (uitkomst is null)
   or (in_score and element_code is null)
{% endtest %}
