"""Parameters whose defaults are dlt.config.value, dlt.secrets.value and plain values."""
import dlt
from dlt.sources.rest_api import rest_api_source


@dlt.source
def shop(store_id: str = dlt.config.value, password: str = dlt.secrets.value, username="reporting"):
    config = {
        "client": {
            "base_url": "https://shop.example.com/api/",
            "auth": {"type": "http_basic", "username": username, "password": password},
        },
        "resources": [{"name": "orders", "endpoint": {"path": "orders", "params": {"store": store_id}}}, "customers"],
    }
    return rest_api_source(config)
