"""Routes of the public API (``/api/v1/``), mounted by ``findatrial/urls.py``."""

from rest_framework.routers import SimpleRouter

from .views import ConditionViewSet, ProjectViewSet

app_name = "api"

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("conditions", ConditionViewSet, basename="condition")

urlpatterns = router.urls
