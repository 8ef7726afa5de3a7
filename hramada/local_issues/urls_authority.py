"""(authority) addresses: see the module's views."""

urlpatterns: list = []
