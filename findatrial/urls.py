from django.contrib import admin
from django.urls import include, path

from projects.views import ProjectListView

urlpatterns = [
    path("", ProjectListView.as_view(), name="home"),
    path("projects/", include("projects.urls")),
    path("admin/", admin.site.urls),
]
