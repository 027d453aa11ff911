"""OffsetPaginator by keyword and by position."""
import dlt
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://catalog.example.com/", "paginator": OffsetPaginator(limit=100, total_path="meta.total")},
        "resources": [
            "products",
            {"name": "offers", "endpoint": {"path": "offers", "paginator": OffsetPaginator(50, 0, "skip", "take", None, 5000)}},
        ],
    }
)
