"""Template access to ``projects.presenters`` for the public pages:
``{% quick_facts project as facts %}`` and so on, one tag per presenter."""

from django import template

from .. import presenters

register = template.Library()

for _name in (
    "quick_facts", "official_records", "nih_grants", "participation", "researchers",
    "project_sites", "status_badge", "location_summary",
):
    register.simple_tag(getattr(presenters, _name), name=_name)


@register.filter
def us_date(day):
    """"May 15, 2026": the site is American, so month first."""
    return presenters.long_date(day) if day else ""
