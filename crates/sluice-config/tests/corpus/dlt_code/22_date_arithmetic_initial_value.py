"""An incremental start computed with pendulum (now minus 7 days) imports as a relative start."""
import dlt
import pendulum
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://orders.example.com/"},
        "resources": [
            {
                "name": "orders",
                "endpoint": {
                    "path": "orders",
                    "params": {"updated_since": "{incremental.start_value}"},
                    "incremental": {
                        "cursor_path": "updated_at",
                        "initial_value": pendulum.now().subtract(days=7).isoformat(),
                    },
                },
                "write_disposition": "merge",
                "primary_key": "id",
            }
        ],
    }
)
