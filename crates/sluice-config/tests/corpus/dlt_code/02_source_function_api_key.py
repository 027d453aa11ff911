"""A @dlt.source function whose key is a parameter read from dlt's secrets."""
import dlt
from dlt.sources.rest_api import RESTAPIConfig, rest_api_resources


@dlt.source
def weather_source(api_key: str = dlt.secrets.value):
    config: RESTAPIConfig = {
        "client": {
            "base_url": "https://api.weather.example/v1/",
            "auth": {"type": "api_key", "name": "X-Api-Key", "api_key": api_key, "location": "header"},
        },
        "resources": ["stations", {"name": "readings", "endpoint": {"path": "readings", "data_selector": "data"}}],
    }
    yield from rest_api_resources(config)


if __name__ == "__main__":
    pipeline = dlt.pipeline(pipeline_name="weather", destination="duckdb", dataset_name="weather_data")
    pipeline.run(weather_source())
