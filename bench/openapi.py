"""Importing a big OpenAPI document: time and peak memory of `sluice import` on a generated spec.

The public specs of big APIs are 10 to 40 MB. This writes one of about 21 MB (JSON) and the same
document as YAML: 2,800 paths, each a list operation with paging parameters and a parent path
parameter (the previous path's records) on every other one, a create operation, and a record schema of 40 described
properties behind a `$ref`. `sluice import` reads it, picks one tag's operations (`--tag`), and
writes the connector; the run fails if the connector does not come out.

    python bench/openapi.py --sluice PATH [--paths 2800]
"""

import argparse
import json
import os
import shutil
import tempfile

from run import measured


def spec(paths: int) -> dict:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Big API", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {},
        },
        "security": [{"key": []}],
        "paths": {},
    }
    for i in range(paths):
        name = f"Thing{i}"
        doc["components"]["schemas"][name] = {
            "type": "object",
            "description": f"A thing of kind {i}, as the API returns it in lists and by id.",
            "properties": {
                **{"id": {"type": "integer"}, "updated_at": {"type": "string", "format": "date-time"}},
                **{
                    f"field_{k}": {
                        "type": ["string", "integer", "number", "boolean"][k % 4],
                        "description": f"Field {k} of thing {i}: what it holds, when it is set and by whom.",
                    }
                    for k in range(40)
                },
            },
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        page = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": ref},
                "next_cursor": {"type": ["string", "null"]},
            },
        }
        base = f"/group{i % 50}/things{i}"
        path = base if i % 2 == 0 else f"/group{(i - 1) % 50}/things{i - 1}/{{id}}/things{i}"
        doc["paths"][path] = {
            "get": {
                "tags": [f"group{i % 50}"],
                "summary": f"List things of kind {i}",
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}},
                ]
                + ([{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}] if i % 2 else []),
                "responses": {
                    "200": {"description": "A page of things", "content": {"application/json": {"schema": page}}},
                    "401": {"description": "Not signed in"},
                },
            },
            "post": {
                "tags": [f"group{i % 50}"],
                "summary": f"Create a thing of kind {i}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": ref}}}},
            },
        }
    return doc


def yaml(value, indent: int = 0) -> str:
    """Block-style YAML of JSON values (strings quoted as JSON, which YAML reads)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{json.dumps(key)}:\n{yaml(item, indent + 1)}")
            else:
                lines.append(f"{pad}{json.dumps(key)}: {yaml(item, 0)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = yaml(item, indent + 1).lstrip()
                lines.append(f"{pad}- {inner}")
            else:
                lines.append(f"{pad}- {yaml(item, 0)}")
        return "\n".join(lines)
    return json.dumps(value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--paths", type=int, default=2800)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sluice-openapi-")
    try:
        doc = spec(args.paths)
        files = {"json": os.path.join(work, "big.json"), "yaml": os.path.join(work, "big.yaml")}
        with open(files["json"], "w") as f:
            json.dump(doc, f, indent=1)
        with open(files["yaml"], "w") as f:
            f.write(yaml(doc) + "\n")
        print("| document | MB | operations | chosen | seconds | peak MiB |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind, path in files.items():
            out = os.path.join(work, f"connector-{kind}.json")
            seconds, peak, _ = measured([args.sluice, "import", path, "--tag", "group7", "-o", out], work)
            with open(out) as f:
                resources = len(json.load(f)["resources"])
            if resources == 0:
                raise SystemExit("the import made no resource")
            mb = os.path.getsize(path) / 1e6
            print(f"| {kind} | {mb:.1f} | {args.paths} | {resources} | {seconds:.2f} | {peak:.0f} |")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
