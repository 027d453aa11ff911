"""`rest_api(**config)`."""
import dlt
from dlt.sources.rest_api import rest_api

config = {"client": {"base_url": "https://fleet.example.com/"}, "resources": ["vehicles"]}
source = rest_api(**config)
