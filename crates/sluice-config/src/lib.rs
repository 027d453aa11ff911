//! The connector config model: a dlt `rest_api_source` config plus Sluice's marked extensions.
