"""A paginator class named through its module."""
import dlt
import dlt.sources.helpers.rest_client.paginators
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://status.example.com/"},
        "resources": [
            {"name": "status", "endpoint": {"path": "status", "paginator": dlt.sources.helpers.rest_client.paginators.SinglePagePaginator()}}
        ],
    }
)
