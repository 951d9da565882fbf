{#- Shares of one origin add up to 1 (within 0.001); rows without a share mean "all of it" and count as 1. -#}
{% test shares_sum_to_one(model, group_by, share) %}
select {{ group_by | join(', ') }}, sum(coalesce({{ share }}, 1)) as total
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum(coalesce({{ share }}, 1)) - 1) > 0.001
{% endtest %}
