"""A custom auth class has no form in a saved connector: left out at its field."""
import dlt
from dlt.sources.helpers.rest_client.auth import AuthConfigBase
from dlt.sources.rest_api import rest_api_source


class SignedAuth(AuthConfigBase):
    def __init__(self, key):
        self.key = key

    def __call__(self, request):
        request.headers["X-Signature"] = sign(request, self.key)
        return request


source = rest_api_source(
    {
        "client": {"base_url": "https://signed.example.com/", "auth": SignedAuth(dlt.secrets["key"])},
        "resources": ["orders"],
    }
)
