"""dlt's `rest_api` source function takes the config's keys as arguments."""
import dlt
from dlt.sources.rest_api import rest_api

source = rest_api(
    client={"base_url": "https://inventory.example.com/"},
    resources=["items", "warehouses"],
    resource_defaults={"write_disposition": "replace"},
)
pipeline = dlt.pipeline(pipeline_name="inventory", destination="duckdb")
