from django.contrib import admin
from django.urls import include, path

from projects.views import project_list

urlpatterns = [
    path("", project_list, name="home"),
    path("projects/", include("projects.urls")),
    path("admin/", admin.site.urls),
]
