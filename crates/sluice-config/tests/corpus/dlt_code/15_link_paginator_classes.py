"""JSONLinkPaginator and HeaderLinkPaginator."""
import dlt
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator, JSONLinkPaginator
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://links.example.com/"},
        "resources": [
            {"name": "pages", "endpoint": {"path": "pages", "paginator": JSONLinkPaginator(next_url_path="links.next")}},
            {"name": "commits", "endpoint": {"path": "commits", "paginator": HeaderLinkPaginator()}},
        ],
    }
)
