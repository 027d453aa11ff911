"""An f-string that Python computes is left out; a plain f-string is text."""
import dlt
from dlt.sources.rest_api import rest_api_source

VERSION = "1.4"

source = rest_api_source(
    {
        "client": {
            "base_url": f"https://tools.example.com/",
            "headers": {"User-Agent": f"my-pipeline/{VERSION}", "Accept": "application/json"},
        },
        "resources": ["tools"],
    }
)
