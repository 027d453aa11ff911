"""A dlt pipeline module as people write it."""
import dlt
from dlt.sources.rest_api import RESTAPIConfig, rest_api_source

BASE_URL = "https://api.github.com/repos/dlt-hub/dlt/"

config: RESTAPIConfig = {
    'client': {
        'base_url': BASE_URL,
        "auth": {"token": dlt.secrets["sources.github.token"]},  # a dlt key path
    },
    "resource_defaults": {"primary_key": "id", "write_disposition": "merge",},
    "resources": [
        {
            "name": "issues",
            "endpoint": {
                "path": "issues",
                "params": {"state": 'open', "per_page": 100, "sort": """updated""",},
                "incremental": {"cursor_path": "updated_at", "initial_value": "2024-01-01T00:00:00Z"},
            },
            "selected": True,
        },
        ("pulls"),
    ],
}

source = rest_api_source(config, name="github", max_table_nesting=2)
pipeline = dlt.pipeline(pipeline_name="github_pipeline", destination="duckdb", dataset_name="github_data")

if __name__ == "__main__":
    pipeline.run(source)
