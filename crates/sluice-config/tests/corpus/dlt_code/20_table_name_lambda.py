"""A table_name computed per item is left out; the resource keeps its name as table."""
import dlt
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://events.example.com/"},
        "resources": [
            {"name": "events", "endpoint": "events", "table_name": lambda event: f"events_{event['kind']}"},
        ],
    }
)
