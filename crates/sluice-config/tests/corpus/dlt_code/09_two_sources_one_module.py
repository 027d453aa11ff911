"""Two @dlt.source functions, each run by its own pipeline."""
import dlt
from dlt.sources.rest_api import rest_api_resources


@dlt.source
def billing(token=dlt.secrets.value):
    config = {
        "client": {"base_url": "https://billing.example.com/", "auth": {"type": "bearer", "token": token}},
        "resources": ["invoices"],
    }
    yield from rest_api_resources(config)


@dlt.source
def support(token=dlt.secrets.value):
    config = {
        "client": {"base_url": "https://support.example.com/", "auth": {"type": "bearer", "token": token}},
        "resources": ["tickets", "agents"],
    }
    yield from rest_api_resources(config)


def run_billing():
    dlt.pipeline(pipeline_name="billing_pipeline", destination="duckdb").run(billing())


def run_support():
    pipeline = dlt.pipeline(pipeline_name="support_pipeline", destination="duckdb", dataset_name="support")
    pipeline.run(support())
