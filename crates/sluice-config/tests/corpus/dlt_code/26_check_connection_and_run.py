"""The same source used twice (a connection check, then the run) is one connector."""
import dlt
from dlt.sources.rest_api import check_connection, rest_api_source

config = {"client": {"base_url": "https://ping.example.com/"}, "resources": ["ping"]}

ok, message = check_connection(rest_api_source(config), "ping")
if ok:
    dlt.pipeline(pipeline_name="ping", destination="duckdb").run(rest_api_source(config))
