"""Variables defined once at the top and reused, strings joined with +."""
import dlt
from dlt.sources.rest_api import rest_api_source

HOST = "https://analytics.example.com"
API = HOST + "/api/v3/"
PAGE_SIZE = 250
COMMON_PARAMS = {"page_size": PAGE_SIZE, "format": "json"}

events = {"name": "events", "endpoint": {"path": "events", "params": COMMON_PARAMS}}
sessions = {"name": "sessions", "endpoint": {"path": "sessions", "params": COMMON_PARAMS}}

analytics = rest_api_source({"client": {"base_url": API}, "resources": [events, sessions]}, name="analytics")
