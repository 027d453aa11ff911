"""A dlt.resource written in Python cannot run in Sluice: it is left out, and its child is
pointed at a parent defined in the connector."""
import dlt
from dlt.sources.rest_api import rest_api_source


@dlt.resource
def repositories():
    yield from [{"name": "dlt"}, {"name": "verified-sources"}]


source = rest_api_source(
    {
        "client": {"base_url": "https://api.github.com/orgs/dlt-hub/"},
        "resources": [
            repositories,
            {"name": "repos", "endpoint": "repos"},
            {"name": "releases", "endpoint": {"path": "repos/{resources.repos.name}/releases"}},
        ],
    }
)
