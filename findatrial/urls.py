from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from projects.views import ProjectListView

urlpatterns = [
    path("", ProjectListView.as_view(), name="home"),
    path("projects/", include("projects.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

# "Back soon" (503) when the database is down, Django's 500 page otherwise.
handler500 = "findatrial.faults.server_error"
