"""Filters of the public listing: ``ProjectFilter`` is the one FilterSet for
every surface (the HTML listing now, the API later).

Every query starts from ``Project.objects.listed()`` (the view passes it),
so no filter can reach an unpublished page. Query string values are slugs,
stable codes and place names, never database IDs.

Choice lists come from ``projects.facets`` (one indexed query, memoized),
never from a DISTINCT over the projects: short lists (countries, study
types) are drop-downs with counts; long ones (conditions, states, sponsors)
are text boxes that suggest their most common entries and accept any name
or slug a listed project has. A value no listed project has is an error
the page explains with HTTP 400, like any other value the filters cannot
read. Sorting is part of the filter state, so it lives in the URL too.
"""

import copy
import weakref
from collections.abc import Iterator

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod

from geo.centroids import InvalidPlace, Place, parse_place
from geo.distance import RADIUS_CHOICES

from . import facets, search
from .choices import (
    FUNDING_MECHANISM_GROUPS,
    OPEN_STATUSES,
    REGISTRY_STUDY_TYPES,
    ResearchStatus,
    SexEligibility,
    StudyType,
)
from .facets import FacetKind
from .models import Project, ProjectSearch, ProjectSite
from .near import sites_near

RECOMMENDED = ""
SORTS = [
    ("relevance", _("Most relevant")),
    ("nearest", _("Nearest first")),
    ("-reviewed", _("Most recently reviewed")),
    ("newest", _("Newest on the site")),
    ("title", _("Title (A to Z)")),
]
#: SQL order of each sort; "recruiting first" adds relevance when searching.
ORDERINGS = {
    RECOMMENDED: ("recruitment_rank", "-last_reviewed", "-id"),
    "relevance": ("-relevance", "recruitment_rank", "-last_reviewed", "-id"),
    "-reviewed": ("-last_reviewed", "-id"),
    "newest": ("-first_published_at", "-id"),
    "title": ("lay_title", "id"),
    "nearest": ("recruitment_rank", "-last_reviewed", "-id"),  # then by distance (listing.py)
}
#: The same orders on the search index (a ranked search's own table).
SEARCH_INDEX_ORDERINGS = {
    RECOMMENDED: ("recruitment_rank", "-relevance", "-last_reviewed", "-project_id"),
    "relevance": ("-relevance", "recruitment_rank", "-last_reviewed", "-project_id"),
    "-reviewed": ("-last_reviewed", "-project_id"),
}


def _on_leads(field: str) -> str:
    """An order's field, read from a common term's leader where the leader
    copies it from its search index row ("-last_reviewed" is
    "-lead__last_reviewed")."""
    name = field.lstrip("-")
    if name in ("recruitment_rank", "last_reviewed"):
        return field.replace(name, f"lead__{name}")
    return field


#: The two ranked orders on a common term's leaders (``projects.leaders``):
#: the search index's own, read from the leaders' columns so one index reads
#: them in order. The leaders are the first places of exactly these orders.
LEADER_ORDERINGS = {
    sort: tuple(map(_on_leads, SEARCH_INDEX_ORDERINGS[sort])) for sort in (RECOMMENDED, "relevance")
}

#: A place held by fewer than this share of listed projects is "rare".
RARE_SHARE = 0.05
#: Filters the search index's rows answer by facet keys (kind of the key).
ON_SEARCH_INDEX = {
    "condition": FacetKind.CONDITION,
    "country": FacetKind.COUNTRY,
    "state": FacetKind.STATE,
    "sponsor": FacetKind.SPONSOR,
    "study_type": FacetKind.STUDY_TYPE,
    "funding": FacetKind.FUNDING,
    "status": FacetKind.STATUS,
}
#: Miles from the place a visitor gives, when they choose no distance.
DEFAULT_RADIUS = 25
SEX_CHOICES = [(SexEligibility.FEMALE, _("Female")), (SexEligibility.MALE, _("Male"))]
MAX_AGE_YEARS = 120


class PlainSelect(forms.Select):
    """A drop-down rendered in Python: Django's template-rendered widgets
    cost about 0.1 ms per option, and the listing has a few hundred. With a
    ``default``, that option is the one selected while none is chosen (the
    search's radius: "25 miles" once, not as a blank choice and again)."""

    def __init__(self, attrs=None, choices=(), default=None):
        super().__init__(attrs, choices)
        self.default = default

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        if not selected and self.default is not None:
            selected = str(self.default)
        attrs = self.build_attrs(self.attrs, attrs)
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        for group, options in self.options_html(name):
            if group is not None:
                parts.append(f'<optgroup label="{group}">')
            for key, label in options:
                mark = " selected" if key == selected else ""
                parts.append(f'<option value="{key}"{mark}>{label}</option>')
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))

    def options_html(self, name):
        return _escaped(self.choices)


class StaticSelect(PlainSelect):
    """A drop-down with a few fixed sets of plain choices (the sort's
    differ near a place): their translated, escaped labels are worked out
    once per set and language, not on every page."""

    _rendered: dict = {}

    def options_html(self, name):
        key = (name, get_language(), tuple((str(k), str(v)) for k, v in self.choices))
        if key not in self._rendered:
            self._rendered[key] = _escaped(self.choices)
        return self._rendered[key]


class PlainInput:
    """An ``<input>`` rendered in Python, exactly as Django's two widget
    templates (input.html, attrs.html) render it, for a fraction of the
    cost: the listing's form has nine of them on every page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, shown, _attributes(widget)
        )


def _attributes(widget: dict) -> str:
    """The attributes as django/forms/widgets/attrs.html writes them: in
    their order, ``True`` as a bare name, ``False`` left out."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in widget["attrs"].items()
            if value is not False
        )
    )


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainNumberInput(PlainInput, forms.NumberInput):
    pass


class PlainCheckboxInput(PlainInput, forms.CheckboxInput):
    pass


class PlainHiddenInput(PlainInput, forms.HiddenInput):
    pass


def _escaped(choices) -> list:
    """[(optgroup label or None, [(escaped key, escaped label), ...]), ...]"""
    groups = []
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            groups.append((escape(key), [(escape(_code(k)), escape(v)) for k, v in label]))
        else:
            groups.append((None, [(escape(_code(key)), escape(label))]))
    return groups


def _code(key) -> str:
    return "" if key is None else str(key)


class PlaceField(forms.CharField):
    """A ZIP code or "City, ST", read into a ``geo.centroids.Place``; what
    cannot be read or names no known place is a form error in words."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_place(text)
        except InvalidPlace as error:
            raise forms.ValidationError(str(error)) from None


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class FacetFilter(django_filters.CharFilter):
    """A long list (conditions, states, sponsors): a text box with suggested
    entries. The form resolves what was typed to a facet ``Choice``."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


class ProjectFilterForm(forms.Form):
    """Resolves the typed facet values in one query and says which ones no
    listed project has."""

    menu: facets.Menu = facets.Menu()
    facet_fields: dict[str, str] = {}

    def __getitem__(self, name):
        """The bound field ``name``, as Django's forms give it, but not
        kept: a Django form keeps its bound fields, which keep their form,
        a cycle that held the form, its menu and its values past the
        request (see ``ProjectFilter.__init__``). A page asks for each of
        a dozen fields once or twice, so making them again costs little."""
        bound = super().__getitem__(name)
        del self._bound_fields_cache[name]
        return bound

    def clean(self):
        cleaned = super().clean()
        wanted = {}
        for name, kind in self.facet_fields.items():
            value = cleaned.get(name)
            if not value:
                continue
            choice = self.menu.find(kind, value)
            if choice:
                cleaned[name] = choice
            else:
                wanted[kind] = value
        found = facets.lookup(wanted)
        for name, kind in self.facet_fields.items():
            if kind not in wanted:
                continue
            if kind in found:
                cleaned[name] = found[kind]
            else:
                self.add_error(
                    name, _("No published project has “%(value)s”.") % {"value": wanted[kind]}
                )
        return cleaned


class CheckboxFilter(django_filters.Filter):
    """A yes-only option: ticked filters, unticked does nothing."""

    field_class = forms.BooleanField


class WholeNumberFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _checkbox(label):
    return CheckboxFilter(method="filter_flag", label=label, widget=PlainCheckboxInput)


class RequestCopies(dict):
    """A filter set's filters, as its class holds them. django-filter
    deep-copies them for every filter set it makes, that is for every
    request: about 670 objects for this one's filters, down to each
    choice's label, 1 ms of a listing page's CPU. A request sets a filter's
    own attributes (its model, its filter set, its form field) and the top
    level of its ``extra`` (the sort's and the countries' choices), so each
    filter is copied with its ``extra``; what they hold is shared, as a
    class's attributes are."""

    def __deepcopy__(self, memo):
        return {name: _request_copy(each) for name, each in self.items()}


def _request_copy(original: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(original)
    copied.extra = dict(original.extra)
    copied.__dict__.pop("_field", None)  # built from the copy, per request
    if isinstance(original.__dict__.get("filter"), FilterMethod):
        # Finds the method on the copy's filter set; refers to its filter
        # weakly, as ``ProjectFilter.__init__`` says why.
        copied.filter = FilterMethod(weakref.proxy(copied))
    return copied


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=200,
        widget=PlainTextInput(attrs={"type": "search", "placeholder": _("e.g. breast cancer")}),
    )
    as_typed = django_filters.BooleanFilter(
        method="filter_nothing",
        label=_("Search only for the words as typed"),
        widget=PlainHiddenInput,
    )
    # Can I take part? (studies that enrol people)
    recruiting = _checkbox(_("Recruiting now"))
    age = WholeNumberFilter(
        method="filter_age",
        label=_("My age (years)"),
        min_value=0,
        max_value=MAX_AGE_YEARS,
        widget=PlainNumberInput(attrs={"min": 0, "max": MAX_AGE_YEARS, "inputmode": "numeric"}),
    )
    sex = django_filters.ChoiceFilter(
        method="filter_sex",
        choices=SEX_CHOICES,
        label=_("Open to"),
        empty_label=_("Any sex"),
        widget=StaticSelect,
    )
    healthy = _checkbox(_("Accepts healthy volunteers"))
    near = PlaceFilter(
        method="filter_place",
        label=_("Near (ZIP code or city, state)"),
        max_length=100,
        widget=PlainTextInput(
            attrs={"placeholder": _("e.g. 02114 or Boston, MA"), "autocomplete": "postal-code"}
        ),
    )
    radius = django_filters.ChoiceFilter(
        method="filter_nothing",
        label=_("Within"),
        choices=[(miles, _("%(miles)d miles") % {"miles": miles}) for miles in RADIUS_CHOICES],
        empty_label=None,
        widget=StaticSelect(default=DEFAULT_RADIUS),
    )
    # Narrow the results
    condition = FacetFilter(
        kind=FacetKind.CONDITION,
        method="filter_condition",
        label=_("Condition"),
        widget=PlainTextInput(
            attrs={"list": "condition-options", "placeholder": _("Any condition")}
        ),
    )
    country = django_filters.ChoiceFilter(
        method="filter_site",
        label=_("Country"),
        empty_label=_("Any country"),
        widget=PlainSelect,
    )
    state = FacetFilter(
        kind=FacetKind.STATE,
        method="filter_site",
        label=_("State or region"),
        widget=PlainTextInput(
            attrs={"list": "state-options", "placeholder": _("Any state or region")}
        ),
    )
    funding = django_filters.ChoiceFilter(
        field_name="funding_mechanism",
        choices=FUNDING_MECHANISM_GROUPS,
        label=_("Funding type or phase"),
        empty_label=_("Any funding type or phase"),
        widget=StaticSelect,
    )
    study_type = django_filters.ChoiceFilter(
        choices=StudyType.choices,
        label=_("Study type"),
        empty_label=_("Any study type"),
        widget=StaticSelect,
    )
    status = django_filters.ChoiceFilter(
        field_name="research_status",
        choices=ResearchStatus.choices,
        label=_("Status"),
        empty_label=_("Any status"),
        widget=StaticSelect,
    )
    sponsor = FacetFilter(
        kind=FacetKind.SPONSOR,
        method="filter_sponsor",
        label=_("Sponsor or institution"),
        widget=PlainTextInput(attrs={"list": "sponsor-options", "placeholder": _("Any sponsor")}),
    )
    sort = django_filters.ChoiceFilter(
        method="filter_nothing",
        choices=SORTS,
        label=_("Sort by"),
        empty_label=_("Recruiting first"),
        widget=StaticSelect,
    )

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    @classmethod
    def get_filters(cls):
        return RequestCopies(super().get_filters())

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, menu=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Each filter refers back to its filter set (django-filter's
        # ``parent``), and a method filter's ``FilterMethod`` to its filter:
        # as strong references, those cycles kept a request's filter set,
        # its form, its menu and the sites near a place (about 700 objects
        # on a listing page) alive until the garbage collector's next young
        # pass, which then cost 6-10 ms in some later request. Weak, they
        # are freed with the filter set, when the request ends.
        owner = weakref.proxy(self)
        for each in self.filters.values():
            each.parent = owner
        self.menu = menu if menu is not None else facets.menu()
        self._search_text: search.SearchText | None = None
        #: Sites within the radius of the place asked for: {site ID: miles},
        #: and the states they are in (``sites_in_reach``).
        self.near_sites: dict[int, float] | None = None
        self.near_states: set[str] = set()
        if (data or {}).get("near", "").strip():
            # Near a place the default order is nearest first: say so, and offer it once.
            self.filters["sort"].extra.update(
                empty_label=_("Nearest first"),
                choices=[(key, label) for key, label in SORTS if key != "nearest"],
            )
        self.filters["country"].extra["choices"] = [
            (c.key, f"{c.label} ({c.count:,})") for c in self.menu.choices(FacetKind.COUNTRY)
        ]

    #: Form classes by what their fields differ in (see ``get_form_class``).
    _form_classes: dict = {}
    #: Kept at most: a publish changes the counts in the countries' labels.
    MAX_FORM_CLASSES = 8

    def get_form_class(self):
        """django-filter builds a form class, and a form field for every
        filter, for each request (0.4 ms of a listing page's CPU); the
        fields differ only in the sort's choices (near a place or not) and
        the countries offered, so a class is built once for each of those.
        Each form still has its own copy of the fields, as every Django form
        does."""
        sort, country = self.filters["sort"].extra, self.filters["country"].extra
        key = (str(sort.get("empty_label")), tuple(sort["choices"]), tuple(country["choices"]))
        form_class = self._form_classes.get(key)
        if form_class is None:
            if len(self._form_classes) >= self.MAX_FORM_CLASSES:
                self._form_classes.clear()
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.menu = self.menu
            form.facet_fields = {
                name: f.kind for name, f in self.filters.items() if isinstance(f, FacetFilter)
            }
        return self._form

    # Applying the filters ------------------------------------------------

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).order_by(*self.ordering())

    def result_ids(self) -> QuerySet:
        """The results' primary keys in order, the cheapest way: a ranked
        search (PostgreSQL) runs on the narrow search index
        (``models.ProjectSearch``, exactly the listed projects), which
        answers most filters on its own rows (``_narrow_entries``); the
        project row is joined only for the others."""
        sort = self._sort()
        if not (self._searching() and sort in SEARCH_INDEX_ORDERINGS):
            return self.qs.values_list("pk", flat=True)
        entries = search.ranked_entries(self.search_text)
        return self._ranked_ids(entries, SEARCH_INDEX_ORDERINGS[sort])

    def _ranked_ids(self, entries: QuerySet, ordering: tuple[str, ...]) -> QuerySet:
        entries, others = self._narrow_entries(entries)
        if others:
            projects = self._filtered_by(others)
            entries = entries.filter(project_id__in=projects.order_by().values("pk"))
        return entries.order_by(*ordering).values_list("project_id", flat=True)

    def first_places(self, *, many: bool = True) -> Iterator[QuerySet]:
        """Queries of the first results' keys in order, cheapest first,
        ending with ``result_ids()``; each is built when it is asked for.
        Each is a prefix of the results, so a page read from it is right
        when it comes back full; the listing asks for the next one when it
        does not. A search sorted by relevance first reads the leaders of
        its word (``projects.leaders``), when it is common and the results
        are ``many`` (up to 1,000 rank in about 3 ms; with filters a common
        word's few may take a few ms more); "recruiting first" then reads
        the matches open now (their own index finds them without ranking
        the others)."""
        sort = self._sort()
        if self._searching() and sort in LEADER_ORDERINGS:
            open_now = sort == RECOMMENDED
            leading = search.leading_entries(self.search_text, open_now=open_now) if many else None
            if leading is not None:
                yield self._ranked_ids(leading, LEADER_ORDERINGS[sort])
            if open_now:
                yield self.result_ids().filter(recruitment_rank=0)
        yield self.result_ids()

    def counted_ids(self) -> QuerySet:
        """What the listing counts when the facet table cannot say (see
        ``ids_without``)."""
        return self.ids_without(None)

    def ids_without(self, name: str | None, within: Q | None = None) -> QuerySet:
        """The IDs of the results of every filter in use but ``name``,
        unordered, the cheapest way: on PostgreSQL, when the search index
        answers every one of those filters, its rows (one GIN index
        intersects the facet keys, so "lab research in Canada" is known to
        be empty without walking every lab project), narrowed by ``within``
        (a condition on them, see ``ids_near``); otherwise the projects."""
        if search.ranked():
            text = self.search_text if self._searching() and name != "q" else None
            start = search.matching_entries(text) if text else ProjectSearch.objects.all()
            entries, others = self._narrow_entries(start, excluding=name)
            if not others:
                if within is not None:
                    entries = entries.filter(within)
                return entries.values_list("project_id", flat=True)
        return self.without(name).order_by().values_list("pk", flat=True)

    def ids_near(self) -> QuerySet:
        """``ids_without("near")`` for a search near a place: the matches
        that may have a site within the radius, narrowed on the search index
        to those with a site in a state that a site within the radius is in.
        A project with a site in reach has that site's state among its facet
        keys, so none is lost; and the index of facet keys and the index of
        the words answer together, instead of every match being read: "cancer"
        within 50 miles of Boston read its 30,892 matches (81 ms of SQL);
        the 2,321 of them in Massachusetts, New Hampshire and Rhode Island
        take 23 ms. Not narrowed when a site in reach names no state, nor
        past ``NEAR_STATES_NARROW`` states, nor without a search."""
        states = self.near_states if self._searching() and self.sites_in_reach() else set()
        if not states or "" in states or len(states) > NEAR_STATES_NARROW:
            return self.ids_without("near")
        within = Q()
        for state in sorted(states):
            within |= Q(facet_keys__contains=[f"{FacetKind.STATE}:{state}"])
        return self.ids_without("near", within)

    def _narrow_entries(
        self, entries: QuerySet, excluding: str | None = None
    ) -> tuple[QuerySet, list[str]]:
        """``entries`` (search index rows) narrowed by every filter in use
        that the rows answer: facet keys, all in one containment test, and
        "recruiting now" by the recruiting rank ("open to women" would be
        either of two keys, so the project rows answer it). Returns them
        and the names of the filters they cannot answer (a search for an
        identifier among them), leaving out a search of words (the caller
        matched it) and ``excluding``."""
        together, others = [], []
        for name, _shown in self.active():
            if name == excluding:
                continue
            value = self.form.cleaned_data[name]
            if name == "recruiting":
                entries = entries.filter(recruitment_rank=0)  # open statuses rank first
            elif name == "healthy":
                together.append(f"{FacetKind.HEALTHY}:yes")
            elif name in ON_SEARCH_INDEX:
                together.append(f"{ON_SEARCH_INDEX[name]}:{getattr(value, 'key', value)}")
            elif name != "q" or self.identifier is not None:
                others.append(name)  # the project rows answer it
        if together:
            entries = entries.filter(facet_keys__contains=together)
        return entries, others

    def _sort(self) -> str:
        return self.form.cleaned_data.get("sort") or RECOMMENDED

    def _searching(self) -> bool:
        return bool(self.search_text and self.search_text.text) and search.ranked()

    def ordering(self) -> tuple[str, ...]:
        sort = self._sort()
        searching = self._searching()
        if sort == "relevance" and not searching:
            sort = RECOMMENDED
        if sort == RECOMMENDED and searching:
            return ("recruitment_rank", "-relevance", "-last_reviewed", "-id")
        return ORDERINGS[sort]

    @property
    def search_text(self) -> search.SearchText | None:
        """What was typed in the search box, with spelling corrections (one
        vocabulary query, made once)."""
        if not self.is_bound or not self.form.is_valid():
            return None
        value = self.form.cleaned_data.get("q")
        if not value or self.identifier is not None:
            return None
        if self._search_text is None or self._search_text.typed != value:
            correct = not self.form.cleaned_data.get("as_typed")
            self._search_text = search.understand(value, correct=correct)
        return self._search_text

    @property
    def identifier(self) -> Q | None:
        """The projects a search for an NCT or NIH grant number names
        (``search.identifier_match``); None for a search of words. Text
        shaped like a number that names no project ("covid 2019" reads as a
        grant of activity COV, institute ID) is searched as words: one
        query, for such searches only."""
        if not hasattr(self, "_identifier"):
            value = self.form.cleaned_data.get("q") if self.form.is_valid() else None
            match = search.identifier_match(value) if value else None
            if match is not None and not self.queryset.filter(match).exists():
                match = None
            self._identifier = match
        return self._identifier

    def filter_search(self, queryset, name, value):
        if self.identifier is not None:
            return queryset.filter(self.identifier)
        text = self.search_text
        if text is None or not text.text:
            return queryset
        return search.search(queryset, text)

    def filter_nothing(self, queryset, name, value):
        """Options read elsewhere (the sort, the spelling switch)."""
        return queryset

    def filter_flag(self, queryset, name, value):
        if not value:
            return queryset
        if name == "recruiting":
            return queryset.filter(research_status__in=OPEN_STATUSES)
        return queryset.filter(healthy_volunteers=True)

    def filter_age(self, queryset, name, years):
        """Studies whose age range includes ``years``; lab research enrols
        nobody, so it leaves the results."""
        months = years * 12
        return queryset.filter(
            Q(minimum_age_months__isnull=True) | Q(minimum_age_months__lte=months),
            Q(maximum_age_months__isnull=True) | Q(maximum_age_months__gte=months),
            study_type__in=REGISTRY_STUDY_TYPES,
        )

    def filter_sex(self, queryset, name, value):
        return queryset.filter(sex_eligibility__in=[SexEligibility.ALL, value])

    def filter_place(self, queryset, name, place):
        """Projects with a site within the radius (``sites_in_reach``)."""
        ids = list(self.sites_in_reach())
        if not ids:
            return queryset.none()
        return queryset.filter(
            Exists(ProjectSite.objects.filter(project=OuterRef("pk"), site_id__in=ids))
        )

    def sites_in_reach(self) -> dict[int, float] | None:
        """The sites within the radius of the place asked for, {site ID:
        miles} (None without a place), worked out once
        (``near.sites_near``)."""
        place = self.place()
        if place is None:
            return None
        if self.near_sites is None:
            self.near_sites, self.near_states = sites_near(place, self.radius_miles())
        return self.near_sites

    def place(self) -> Place | None:
        """The place the results are near, if one was asked for."""
        return (self.form.cleaned_data.get("near") or None) if self.form.is_valid() else None

    def radius_miles(self) -> int:
        return int(self.form.cleaned_data.get("radius") or DEFAULT_RADIUS)

    def filter_condition(self, queryset, name, choice):
        # By ID, not slug: the planner then knows how common the condition is.
        through = Project.conditions.through.objects.filter(
            project_id=OuterRef("pk"), condition_id=choice.record_id
        )
        return queryset.filter(Exists(through))

    def filter_sponsor(self, queryset, name, choice):
        return queryset.filter(sponsor_id=choice.record_id)

    def filter_site(self, queryset, name, value):
        """Projects with at least one site in the chosen country or state.

        A place few projects have is looked up in the search index's facet
        keys (a GIN index, PostgreSQL), so the database starts from those
        projects; a common one is checked project by project as the listing's
        order index is walked. The facet table says which is which."""
        kind = FacetKind.COUNTRY if name == "country" else FacetKind.STATE
        if isinstance(value, facets.Choice):
            key, count = value.key, value.count
        else:
            key, count = value, self.menu.count(kind, value)
        if search.ranked() and count < RARE_SHARE * max(self.menu.total, 1):
            entries = ProjectSearch.objects.filter(facet_keys__contains=[f"{kind}:{key}"])
            return queryset.filter(pk__in=entries.values("project_id"))
        sites = ProjectSite.objects.filter(project=OuterRef("pk"), **{f"site__{name}": key})
        return queryset.filter(Exists(sites))

    # What the listing says about the filters -----------------------------

    def active(self) -> list[tuple[str, str]]:
        """(name, value as a person reads it) of each filter in use."""
        if not self.is_bound or not self.form.is_valid():
            return []
        shown = []
        for name, value in self.form.cleaned_data.items():
            if (
                name in ("sort", "as_typed", "radius")
                or value is None
                or value == ""
                or value is False
            ):
                continue
            shown.append((name, self.display_value(name, value)))
        return shown

    def display_value(self, name: str, value) -> str:
        if isinstance(value, facets.Choice):
            return value.label
        if isinstance(value, Place):
            where = value.zip_code or f"{value.city}, {value.state}"
            return _("within %(miles)d miles of %(where)s") % {
                "miles": self.radius_miles(),
                "where": where,
            }
        if isinstance(value, bool):
            return str(self.filters[name].label)
        if name == "country":
            return value
        field = self.form.fields[name]
        choices = dict(_flat(getattr(field, "choices", [])))
        return str(choices.get(value, value))

    def exact_count(self) -> int | None:
        """The number of results from the facet table, when the filters in
        use are none or a single facet; otherwise None (count in SQL)."""
        used = self.active()
        if not used:
            return self.menu.total
        if len(used) != 1:
            return None
        return self._count_of(used[0][0])

    def share_kept_near(self, without: str | None = None) -> float | None:
        """About what share of the listed projects the filters in use other
        than the place (and ``without``) keep, as if they were independent:
        the product of the shares each keeps alone (the facet table's
        counts, the vocabulary's for the words). None when one of them is
        not counted so (an age, an identifier)."""
        share = 1.0
        for name, _shown in self.active():
            if name in ("near", without):
                continue
            if name == "q":
                count = self.search_text.estimated_matches if self.search_text else 0
            else:
                count = self._count_of(name)
            if not count:
                return None
            share *= count / max(self.menu.total, 1)
        return share

    def _count_of(self, name: str) -> int | None:
        """How many listed projects the filter ``name`` alone keeps, from the
        facet table; None when it does not say."""
        value = self.form.cleaned_data[name]
        if isinstance(value, facets.Choice):
            return value.count
        kinds = {
            "country": FacetKind.COUNTRY,
            "study_type": FacetKind.STUDY_TYPE,
            "funding": FacetKind.FUNDING,
            "status": FacetKind.STATUS,
        }
        if name in kinds:
            return self.menu.count(kinds[name], value)
        if name == "recruiting":
            return sum(self.menu.count(FacetKind.STATUS, status) for status in OPEN_STATUSES)
        if name == "sex":
            return self.menu.count(FacetKind.SEX, SexEligibility.ALL) + self.menu.count(
                FacetKind.SEX, value
            )
        if name == "healthy":
            return self.menu.count(FacetKind.HEALTHY, "yes")
        return None

    def fewest_results(self) -> int:
        """How many results there are at least, known without a query: for
        a search for one word and nothing else, the pages the vocabulary
        counts with that word (``SearchText.fewest_matches``); otherwise 0.
        Enough to say "over 1,000" without counting."""
        if [name for name, _shown in self.active()] != ["q"] or not self.search_text:
            return 0
        return self.search_text.fewest_matches

    def without(self, name: str) -> QuerySet:
        """The results with every filter in use except ``name``."""
        return self._filtered_by([other for other in self.form.cleaned_data if other != name])

    def _filtered_by(self, names) -> QuerySet:
        """The projects the filters ``names`` keep, with their values."""
        queryset = self.queryset.all()
        for name in names:
            queryset = self.filters[name].filter(queryset, self.form.cleaned_data[name])
        return queryset

    def removals_with_results(self) -> list[tuple[str, str]]:
        """For an empty result: which single filter, removed, would give
        results. One query (an EXISTS per filter in use)."""
        used = self.active()
        if len(used) < 2:
            return []
        checks = [self.ids_without(name)[:1] for name, _v in used]
        found = exists_each(checks)
        return [pair for pair, ok in zip(used, found) if ok]


#: At most this many states narrow a search near a place (``ids_near``):
#: each is a lookup in the facet keys' index.
NEAR_STATES_NARROW = 6


def exists_each(querysets: list[QuerySet]) -> list[bool]:
    """Whether each queryset has a row, in one round trip. A queryset
    Django knows to be empty (``none()``: a place with no site in reach)
    has none, without SQL."""
    parts, params = [], []
    for queryset in querysets:
        try:
            sql, query_params = queryset.query.sql_with_params()
        except EmptyResultSet:
            parts.append("1 = 0")
            continue
        parts.append(f"EXISTS ({sql})")
        params.extend(query_params)
    # Raw SQL bypasses the database router: ask it (a read replica may serve this).
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(value) for value in cursor.fetchone()]


def _flat(choices):
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            yield from _flat(label)
        else:
            yield key, label
