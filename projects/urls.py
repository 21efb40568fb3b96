from django.urls import path

from . import browse, views
from .export import export_csv

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.csv", export_csv, name="export"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/sites/", views.project_sites, name="sites"),
]

#: The A-to-Z pages at the site's root (``/conditions/`` ...), namespace "browse".
browse_urlpatterns = (
    [
        path("conditions/", browse.ConditionIndexView.as_view(), name="conditions"),
        path("conditions/<slug:slug>/", browse.ConditionDetailView.as_view(), name="condition"),
        path("institutions/", browse.InstitutionIndexView.as_view(), name="institutions"),
        path(
            "institutions/<slug:slug>/", browse.InstitutionDetailView.as_view(),
            name="institution",
        ),
        path("researchers/", browse.ResearcherIndexView.as_view(), name="researchers"),
        path(
            "researchers/<int:pk>-<slug:slug>/", browse.ResearcherDetailView.as_view(),
            name="researcher",
        ),
        path(
            "researchers/<int:pk>/", browse.ResearcherDetailView.as_view(),
            name="researcher_by_id",
        ),
    ],
    "browse",
)
