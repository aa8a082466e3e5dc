"""URL routing: resources, routes, route tables, views and the router."""

from __future__ import annotations
