"""Values computed by function calls are left out one by one; the rest imports."""
import os

import dlt
from dlt.sources.rest_api import rest_api_source


def page_size():
    return int(os.environ.get("PAGE_SIZE", "100"))


source = rest_api_source(
    {
        "client": {"base_url": "https://metrics.example.com/", "headers": {"X-Region": os.environ["REGION"]}},
        "resources": [
            {"name": "metrics", "endpoint": {"path": "metrics", "params": {"limit": page_size(), "unit": "ms"}}},
        ],
    }
)
