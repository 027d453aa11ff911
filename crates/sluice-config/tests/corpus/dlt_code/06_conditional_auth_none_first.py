"""A conditional whose dict is in the else branch, and a conditional plain value."""
import dlt
from dlt.sources.rest_api import rest_api_source

DEBUG = False


@dlt.source
def notes(token=dlt.secrets.value):
    config = {
        "client": {
            "base_url": "https://notes.example.com/",
            "auth": None if not token else {"type": "bearer", "token": token},
        },
        "resources": [
            {"name": "notes", "endpoint": {"path": "notes", "params": {"limit": 10 if DEBUG else 200}}}
        ],
    }
    return rest_api_source(config)
