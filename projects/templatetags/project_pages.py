"""Template access to ``projects.presenters`` for the public pages."""

from django import template

from .. import presenters

register = template.Library()


@register.simple_tag
def quick_facts(project):
    return presenters.quick_facts(project)


@register.simple_tag
def official_records(project):
    return presenters.official_records(project)


@register.simple_tag
def nih_grants(project):
    return presenters.nih_grants(project)


@register.simple_tag
def participation(project):
    return presenters.participation(project)


@register.simple_tag
def researchers(project):
    return presenters.researchers(project)


@register.simple_tag
def project_sites(project):
    return presenters.project_sites(project)


@register.simple_tag
def status_badge(project):
    return presenters.status_badge(project)


@register.simple_tag
def location_summary(project):
    return presenters.location_summary(project)


@register.filter
def us_date(day):
    """"May 15, 2026": the site is American, so month first."""
    return presenters.long_date(day) if day else ""
