"""Common date expressions for an incremental start: relative ones become Sluice's relative
start, fixed ones their text; anything else is left out."""
import dlt
import pendulum
from dlt.sources.rest_api import rest_api_source

source = rest_api_source(
    {
        "client": {"base_url": "https://shop.example.com/"},
        "resources": [
            {
                "name": "orders",
                "endpoint": {
                    "path": "orders",
                    "params": {"since": "{incremental.start_value}"},
                    "incremental": {
                        "cursor_path": "updated_at",
                        "initial_value": pendulum.today().subtract(days=30).to_iso8601_string(),
                    },
                },
            },
            {
                "name": "refunds",
                "endpoint": {
                    "path": "refunds",
                    "incremental": {
                        "cursor_path": "created",
                        "initial_value": pendulum.now(tz="UTC").subtract(weeks=2).isoformat(),
                    },
                },
            },
            {
                "name": "invoices",
                "endpoint": {
                    "path": "invoices",
                    "incremental": {
                        "cursor_path": "date",
                        "initial_value": pendulum.today().subtract(days=7).to_date_string(),
                    },
                },
            },
            {
                "name": "customers",
                "endpoint": {
                    "path": "customers",
                    "incremental": {
                        "cursor_path": "updated_at",
                        "initial_value": pendulum.datetime(2024, 1, 31, 12, tz="UTC").isoformat(),
                    },
                },
            },
            {
                "name": "payouts",
                "endpoint": {
                    "path": "payouts",
                    "incremental": {
                        "cursor_path": "arrival_date",
                        "initial_value": pendulum.parse("2023-06-01"),
                    },
                },
            },
            {
                "name": "disputes",
                "endpoint": {
                    "path": "disputes",
                    "incremental": {
                        "cursor_path": "created",
                        "initial_value": pendulum.now().subtract(months=1).isoformat(),
                    },
                },
            },
        ],
    }
)
