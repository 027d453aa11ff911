"""PageNumberPaginator with keyword-only arguments."""
import dlt
from dlt.sources.helpers.rest_client import paginators
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://news.example.com/"},
        "resources": [
            {
                "name": "articles",
                "endpoint": {
                    "path": "articles",
                    "paginator": paginators.PageNumberPaginator(base_page=1, page_param="p", total_path=None, has_more_path="has_more"),
                },
            }
        ],
    }
)
