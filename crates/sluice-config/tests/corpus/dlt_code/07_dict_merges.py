"""Dicts built from shared parts with ** and |."""
import dlt
from dlt.sources.rest_api import rest_api_source

CLIENT = {"base_url": "https://api.example.com/v2/", "headers": {"Accept": "application/json"}}
PAGED = {"paginator": {"type": "page_number", "base_page": 1, "total_path": "meta.pages"}}

source = rest_api_source(
    {
        "client": {**CLIENT, "headers": {"Accept": "application/json", "X-Team": "data"}},
        "resources": [
            {"name": "projects", "endpoint": {"path": "projects", **PAGED}},
            {"name": "users", "endpoint": {"path": "users"} | PAGED},
        ],
    }
)
