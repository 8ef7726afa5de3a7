"""(accountability) addresses: see the module's views."""

urlpatterns: list = []
