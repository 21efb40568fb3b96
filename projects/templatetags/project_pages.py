"""Template access to ``projects.presenters`` for the public pages:
``{% quick_facts project as facts %}`` and so on, one tag per presenter."""

import html

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from .. import presenters
from ..models import page_conditions

register = template.Library()

for _name in (
    "quick_facts", "official_records", "nih_grants", "participation", "researchers",
    "project_sites", "status_badge", "location_summary", "site_overview", "sites_by_place",
    "shows_site_statuses",
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
    """Suggestions for a long filter list (a page has three, 150 options),
    joined as one string with the standard library's ``html.escape``,
    which is what Django's ``escape`` calls; ``format_html`` per option,
    with its checks for lazy text, cost 0.5 ms a page."""
    options = "".join(f'<option value="{html.escape(str(c.label))}">' for c in choices or ())
    return mark_safe(f'<datalist id="{html.escape(str(element_id))}">{options}</datalist>')


@register.simple_tag
def filter_field(field):
    """One field of the listing's filter form with its label, built in
    Python: an ``{% include %}`` per field cost the page about 1.5 ms. The
    widget's HTML is safe already; the name, the ID and the label are
    escaped here."""
    widget = str(field)
    label_for = html.escape(str(field.id_for_label))
    label = html.escape(str(field.label))
    if isinstance(field.field.widget, forms.CheckboxInput):
        return mark_safe(
            f'<div class="filter filter-check">{widget} <label for="{label_for}">{label}</label></div>'
        )
    return mark_safe(
        f'<div class="filter filter-{html.escape(field.name)}"><label for="{label_for}">{label}'
        f"</label> {widget}</div>"
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


@register.simple_tag
def site_areas(overview, every_site_url):
    """A large study's sites counted by country and state, each place a
    link to its heading on the page of every site: "United States: 310
    sites / Alabama 4, Arizona 7 ...". Joined with ``html.escape`` like
    ``facet_datalist``: as template loops, 60 places took 3 ms a page."""
    base = html.escape(str(every_site_url))
    items = []
    for country in overview.countries:
        name = html.escape(str(country.label))
        sites = ngettext("%(n)d site", "%(n)d sites", country.sites) % {"n": country.sites}
        anchor = html.escape(country.anchor)
        item = f'<li><a href="{base}#{anchor}"><strong>{name}</strong></a>: {sites}'
        if country.has_named_areas:
            unnamed = html.escape(gettext("region not given"))
            areas = ", ".join(
                f'<a href="{base}#{html.escape(area.anchor)}">'
                + (html.escape(area.name) if area.name else
                   f'{unnamed}<span class="visually-hidden"> ({name})</span>')
                + f"</a> {area.sites}"
                for area in country.areas
            )
            item += f'<br>\n<span class="areas">{areas}</span>'
        items.append(item + "</li>")
    return mark_safe('<ul class="site-areas">' + "\n".join(items) + "</ul>")


@register.simple_tag
def site_entries(area, project):
    """The sites of one place on the page of every site, each with its
    status (studies only) and its contacts: joined with ``html.escape``
    like ``site_areas`` (a trial's 400 sites as template loops took 20 ms);
    the few contacts keep their template."""
    show_status = presenters.shows_site_statuses(project)
    items = []
    for entry in area.entries:
        link, site = entry.project_site, entry.project_site.site
        item = f"<li><strong>{html.escape(site.institution)}</strong><br>{html.escape(site.place)}"
        if show_status and link.recruitment_status:
            status = html.escape(presenters.display(link, "recruitment_status"))
            item += f' <span class="site-status">· {status}</span>'
        for contact in entry.contacts:
            item += "<br>" + render_to_string(
                "projects/includes/contact.html", {"contact": contact}
            )
        items.append(item + "</li>")
    return mark_safe('<ul class="sites">' + "\n".join(items) + "</ul>")
