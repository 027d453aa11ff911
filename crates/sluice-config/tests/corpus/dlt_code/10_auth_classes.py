"""dlt's auth classes, with keyword and positional arguments."""
import dlt
from dlt.sources.helpers.rest_client.auth import APIKeyAuth, BearerTokenAuth, HttpBasicAuth
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {
            "base_url": "https://api.example.com/",
            "auth": BearerTokenAuth(token=dlt.secrets["api_token"]),
        },
        "resources": [
            {"name": "a", "endpoint": {"path": "a", "auth": APIKeyAuth("X-Key", dlt.secrets["key_a"], "query")}},
            {"name": "b", "endpoint": {"path": "b", "auth": APIKeyAuth(name="X-Key", api_key=dlt.secrets["key_b"])}},
            {"name": "c", "endpoint": {"path": "c", "auth": HttpBasicAuth("reader", dlt.secrets["password"])}},
        ],
    }
)
