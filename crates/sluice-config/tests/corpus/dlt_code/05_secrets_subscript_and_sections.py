"""dlt.secrets["..."] with a key path and dlt.config["..."]."""
import dlt
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {
            "base_url": "https://tickets.example.com/",
            "headers": {"X-Account": dlt.config["sources.tickets.account"]},
            "auth": {"type": "bearer", "token": dlt.secrets["sources.tickets.token"]},
        },
        "resources": [{"name": "tickets", "endpoint": {"path": "tickets", "data_selector": "$.items"}}],
    },
    name="tickets",
)
pipeline = dlt.pipeline(pipeline_name="tickets", destination="duckdb")
