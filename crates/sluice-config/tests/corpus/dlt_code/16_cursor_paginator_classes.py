"""JSONResponseCursorPaginator and HeaderCursorPaginator, positionally and by keyword."""
import dlt
from dlt.sources.helpers.rest_client.paginators import HeaderCursorPaginator, JSONResponseCursorPaginator
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://cursor.example.com/"},
        "resources": [
            {"name": "events", "endpoint": {"path": "events", "paginator": JSONResponseCursorPaginator("meta.next_cursor", "after")}},
            {"name": "logs", "endpoint": {"path": "logs", "paginator": HeaderCursorPaginator(cursor_key="X-Next", cursor_param="from")}},
        ],
    }
)
