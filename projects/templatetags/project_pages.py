"""Template access to ``projects.presenters`` for the public pages:
``{% quick_facts project as facts %}`` and so on, one tag per presenter."""

from django import forms, template
from django.utils.html import format_html, format_html_join

from .. import presenters
from ..models import page_conditions

register = template.Library()

for _name in (
    "quick_facts", "official_records", "nih_grants", "participation", "researchers",
    "project_sites", "status_badge", "location_summary",
):
    register.simple_tag(getattr(presenters, _name), name=_name)


@register.simple_tag
def card_meta(project):
    return presenters.card_meta(project)


@register.simple_tag
def conditions_of(project):
    """The project's conditions in name order (``models.page_conditions``)."""
    return page_conditions(project)


@register.simple_tag
def facet_datalist(element_id, choices):
    """Suggestions for a long filter list, built in Python (fast at hundreds)."""
    options = format_html_join("", '<option value="{}">', ((c.label,) for c in choices or ()))
    return format_html('<datalist id="{}">{}</datalist>', element_id, options)


@register.simple_tag
def filter_field(field):
    """One field of the listing's filter form with its label, built in
    Python: an ``{% include %}`` per field cost the page about 1.5 ms."""
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="filter filter-check">{} <label for="{}">{}</label></div>',
            field,
            field.id_for_label,
            field.label,
        )
    return format_html(
        '<div class="filter filter-{}"><label for="{}">{}</label> {}</div>',
        field.name,
        field.id_for_label,
        field.label,
        field,
    )


@register.filter
def display(obj, field_name):
    """``{{ site|display:"recruitment_status" }}``: ``get_FOO_display`` for one label."""
    return presenters.display(obj, field_name)


@register.filter
def distance(miles):
    return presenters.distance_text(miles)


@register.filter
def us_date(day):
    """"May 15, 2026": the site is American, so month first."""
    return presenters.long_date(day) if day else ""
