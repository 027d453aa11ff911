"""A named @dlt.source that returns rest_api_source(...) with a bearer token parameter."""
import dlt
from dlt.sources.rest_api import rest_api_source


@dlt.source(name="crm")
def crm_source(token: str = dlt.secrets.value, page_size: int = 50):
    return rest_api_source(
        {
            "client": {"base_url": "https://crm.example.com/api/", "auth": {"token": token}},
            "resources": [
                {
                    "name": "contacts",
                    "endpoint": {
                        "path": "contacts",
                        "params": {"limit": page_size},
                        "paginator": {"type": "offset", "limit": page_size, "total_path": "total"},
                    },
                }
            ],
        }
    )
