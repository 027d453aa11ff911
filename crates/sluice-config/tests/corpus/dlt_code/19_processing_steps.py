"""processing_steps hold Python functions: each step is left out, the rest imports."""
import dlt
from dlt.sources.rest_api import rest_api_source


def only_active(item):
    return item["active"]


source = rest_api_source(
    {
        "client": {"base_url": "https://people.example.com/"},
        "resources": [
            {
                "name": "people",
                "endpoint": "people",
                "processing_steps": [
                    {"filter": only_active},
                    {"map": lambda item: {**item, "name": item["name"].title()}},
                ],
                "primary_key": "id",
            }
        ],
    }
)
