"""A name assigned from code says where, instead of 'not in the imported code'."""
import dlt
from dlt.sources.rest_api import rest_api_source

region = get_region()

source = rest_api_source(
    {
        "client": {"base_url": "https://geo.example.com/", "headers": {"X-Region": region}},
        "resources": ["places"],
    }
)
