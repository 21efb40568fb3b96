"""OpenAPI query parameters for the listing's ``ProjectFilter``, whatever
kinds of filter it is made of.

drf-spectacular types a django-filter parameter from the model field it
filters, from the type hint of its ``method``, or from a few filter classes
it knows; anything else (a filter with a ``method`` and no hint, a custom
filter class) is a warning and a guess, and grouped choices come out as
their group names. ``ProjectFilter`` is the listing's, written for HTML
forms first, so this extension types each parameter from what it really
is on the wire: the value its *form field* cleans (a whole number, a yes/no,
otherwise text), with the choices' values (groups flattened) as its enum.
Explicit annotations (``extend_schema_field``, a typed ``value``) still win.
"""

from django import forms
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import has_override
from drf_spectacular.plumbing import (
    build_array_type,
    build_basic_type,
    build_choice_description_list,
    build_parameter_type,
    get_type_hints,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

#: Form field classes and the JSON type of the value they clean; the first
#: match wins, so subclasses come before their bases.
FORM_FIELD_TYPES = [
    (forms.NullBooleanField, OpenApiTypes.BOOL),
    (forms.BooleanField, OpenApiTypes.BOOL),
    (forms.FloatField, OpenApiTypes.NUMBER),
    (forms.DecimalField, OpenApiTypes.NUMBER),
    (forms.IntegerField, OpenApiTypes.INT),
    (forms.DateTimeField, OpenApiTypes.DATETIME),
    (forms.DateField, OpenApiTypes.DATE),
]


def flat_choices(choices) -> list[tuple]:
    """``[(value, label)]`` with option groups (``(group, [(value, label)])``) opened."""
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend(flat_choices(label))
        else:
            flat.append((value, label))
    return flat


class FilterSetParameters(DjangoFilterExtension):
    """Parameters of any django-filter FilterSet, typed without guessing."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if self._annotated(filterset_class, filter_field) or isinstance(
            filter_field, (filters.RangeFilter, filters.NumericRangeFilter)
        ):
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        choices = filter_field.extra.get("choices")
        choices = flat_choices(choices) if choices and not callable(choices) else []
        schema = build_basic_type(self._value_type(filter_field))
        description = str(filter_field.extra.get("help_text") or filter_field.label or field_name)
        if choices:
            description += "\n\n" + build_choice_description_list(choices)
        explode = style = None
        if isinstance(filter_field, filters.BaseCSVFilter):
            schema, explode, style = build_array_type(schema), False, "form"
        elif isinstance(filter_field, filters.MultipleChoiceFilter):
            schema, explode, style = build_array_type(schema), True, "form"
        return [
            build_parameter_type(
                name=field_name,
                required=filter_field.extra["required"],
                location=OpenApiParameter.QUERY,
                description=description,
                schema=schema,
                enum=[value for value, _label in choices] or None,
                explode=explode,
                style=style,
            )
        ]

    def _annotated(self, filterset_class, filter_field) -> bool:
        """Whether the filter or its method says its own type."""
        method = self._get_filter_method(filterset_class, filter_field)
        if has_override(filter_field, "field") or (method and has_override(method, "field")):
            return True
        try:
            return method is not None and "value" in get_type_hints(method)
        except Exception:  # a hint that cannot be resolved says nothing
            return False

    def _value_type(self, filter_field):
        model_filters = (filters.ModelChoiceFilter, filters.ModelMultipleChoiceFilter)
        if isinstance(filter_field, model_filters):
            # A row named by ``to_field_name`` (a slug) or else by its primary key.
            by_name = filter_field.extra.get("to_field_name")
            return OpenApiTypes.STR if by_name else OpenApiTypes.INT
        for field_class, value_type in FORM_FIELD_TYPES:
            if issubclass(filter_field.field_class, field_class):
                return value_type
        return OpenApiTypes.STR
