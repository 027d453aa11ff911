"""A module that picks its base URL by environment and keeps optional auth."""
import dlt
from dlt.sources.rest_api import rest_api_source

STAGING = False
BASE = "https://staging.example.com/" if STAGING else "https://api.example.com/"


@dlt.source(name="accounts")
def accounts(api_key: str = dlt.secrets.value):
    auth = {"type": "api_key", "name": "api_key", "api_key": api_key, "location": "query"} if api_key else None
    return rest_api_source({"client": {"base_url": BASE, "auth": auth}, "resources": ["accounts"]})
