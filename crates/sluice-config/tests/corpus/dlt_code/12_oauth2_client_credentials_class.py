"""dlt's OAuth2 client-credentials class."""
import dlt
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.rest_api import rest_api_source

auth = OAuth2ClientCredentials(
    access_token_url="https://auth.example.com/oauth/token",
    client_id=dlt.secrets["client_id"],
    client_secret=dlt.secrets["client_secret"],
    access_token_request_data={"audience": "https://api.example.com"},
    default_token_expiration=1800,
)

source = rest_api_source({"client": {"base_url": "https://api.example.com/", "auth": auth}, "resources": ["devices"]})
