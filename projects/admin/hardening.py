"""Bad input to the admin gets a 4xx or a form error, never a 500.

Django's admin trusts its query strings and widgets more than a public
site can: any lookup on a local field is allowed (``?lay_title__regex=\\``
crashes SQLite), a search term longer than SQLite's LIKE limit crashes the
query, and an autocomplete widget re-rendering a forged value ("abc" for a
numeric ID) raises while drawing the form. This mixin closes each hole.
"""

from django import forms
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

#: Longer search terms match nothing useful and SQLite refuses LIKE
#: patterns over 50,000 bytes.
MAX_SEARCH_TERM = 200

#: Lookups the admin's own filters and date hierarchy produce.
ALLOWED_LOOKUP_SUFFIXES = {
    "exact", "isnull", "gte", "lt", "lte", "gt", "year", "month", "day", "id", "pk", "in",
}


def _valid_choices(widget, values):
    """Drop values the target field cannot hold, so rendering never queries them."""
    remote = widget.field.remote_field
    to_field = getattr(remote, "field_name", None)  # many-to-many relations point at the pk
    target = remote.model._meta.get_field(to_field) if to_field else remote.model._meta.pk
    valid = []
    for value in values:
        try:
            target.run_validators(target.to_python(value))
        except (ValidationError, TypeError, ValueError):
            continue
        valid.append(value)
    return valid


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_choices(self, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_choices(self, value), attr)


SAFE_WIDGETS = {
    AutocompleteSelect: SafeAutocompleteSelect,
    AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple,
}


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses values the primary key cannot hold before querying them
    (Django queries ``pk__in`` with them, which overflows SQLite)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value if isinstance(value, (list, tuple)) else [value]:
            try:
                target.run_validators(target.to_python(item))
            except (ValidationError, TypeError, ValueError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": item},
                ) from None
        return super()._check_values(value)


class HardenedFormfieldsMixin:
    """Autocomplete widgets that ignore forged values when re-drawn (for
    model admins and inlines alike)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _harden(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if type(formfield) is forms.ModelMultipleChoiceField:
            formfield.__class__ = SafeModelMultipleChoiceField
        return _harden(formfield)


class HardenedAdminMixin(HardenedFormfieldsMixin):
    """Only the lookups the page's own filters use; bounded search terms."""

    def lookup_allowed(self, lookup, value, request=None):
        fields, parameters = set(), set()
        for item in self.get_list_filter(request):
            if isinstance(item, str):
                fields.add(item)
            elif isinstance(item, (list, tuple)):
                fields.add(item[0])
            elif issubclass(item, SimpleListFilter):
                parameters.add(item.parameter_name)
        if self.date_hierarchy:
            fields.add(self.date_hierarchy)
        if lookup in parameters:
            return True
        parts = lookup.split("__")
        if parts[0] not in fields or any(p not in ALLOWED_LOOKUP_SUFFIXES for p in parts[1:]):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > MAX_SEARCH_TERM:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


def _harden(formfield):
    if formfield is not None and type(formfield.widget) in SAFE_WIDGETS:
        formfield.widget.__class__ = SAFE_WIDGETS[type(formfield.widget)]
    return formfield
