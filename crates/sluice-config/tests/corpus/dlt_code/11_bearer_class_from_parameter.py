"""A class built from a @dlt.source parameter, positionally."""
import dlt
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.rest_api import rest_api_source


@dlt.source
def jobs(token: str = dlt.secrets.value):
    return rest_api_source({
        "client": {"base_url": "https://jobs.example.com/api/", "auth": BearerTokenAuth(token)},
        "resources": ["jobs"],
    })
