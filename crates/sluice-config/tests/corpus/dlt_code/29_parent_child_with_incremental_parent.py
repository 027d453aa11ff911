"""dlt's parent/child shape with an incremental cursor on the parent."""
import dlt
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://tracker.example.com/api/"},
        "resources": [
            {
                "name": "issues",
                "endpoint": {
                    "path": "issues",
                    "params": {"since": "{incremental.start_value}", "sort": "updated"},
                    "incremental": {"cursor_path": "updated_at", "initial_value": "2024-01-01T00:00:00Z"},
                },
                "primary_key": "id",
                "write_disposition": "merge",
            },
            {
                "name": "issue_comments",
                "endpoint": {"path": "issues/{resources.issues.number}/comments"},
                "include_from_parent": ["id"],
            },
        ],
    },
    name="tracker",
)
