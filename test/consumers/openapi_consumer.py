#!/usr/bin/env python3
"""A consumer outside TypeScript: reads /openapi.json, calls three operations by the paths and
parameters the document gives, and checks each answer against the document's response schema.
Python standard library only.

    python3 test/consumers/openapi_consumer.py http://127.0.0.1:3000 <api-key>
"""
import json
import sys
import urllib.parse
import urllib.request


def fetch_json(url, api_key=None, method="GET", body=None):
    headers = {"Accept": "application/json"}
    if api_key:
        headers["X-API-Key"] = api_key
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read().decode("utf-8"))


def resolve(schema, doc):
    while isinstance(schema, dict) and "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def validate(value, schema, doc, path="$"):
    """Errors of `value` against a JSON Schema (the 2020-12 subset OpenAPI 3.1 documents use)."""
    schema = resolve(schema, doc)
    errors = []
    if schema is True or schema == {}:
        return errors
    if "anyOf" in schema and not any(not validate(value, s, doc, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    if "oneOf" in schema and sum(1 for s in schema["oneOf"] if not validate(value, s, doc, path)) != 1:
        errors.append(f"{path}: does not match exactly one of oneOf")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in enum")
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(TYPE_CHECKS[t](value) for t in types):
            return errors + [f"{path}: expected {types}, got {type(value).__name__}"]
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing {name}")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                errors += validate(item, properties[name], doc, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += validate(item, schema["items"], doc, f"{path}[{index}]")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above maximum")
    return errors


def find_operation(doc, operation_id):
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            if operation.get("operationId") == operation_id:
                return path, method.upper(), operation
    raise SystemExit(f"operation {operation_id} is not in the document")


def call(base, doc, api_key, operation_id, values):
    path, method, operation = find_operation(doc, operation_id)
    query = {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if name not in values:
            if parameter.get("required"):
                raise SystemExit(f"{operation_id}: no value for required parameter {name}")
            continue
        if parameter["in"] == "path":
            path = path.replace("{" + name + "}", urllib.parse.quote(str(values[name]), safe=""))
        elif parameter["in"] == "query":
            query[name] = values[name]
    url = base + doc["servers"][0]["url"] + path + ("?" + urllib.parse.urlencode(query) if query else "")
    status, body = fetch_json(url, api_key, method)
    response = operation["responses"].get(str(status))
    if response is None:
        raise SystemExit(f"{operation_id}: status {status} is not documented")
    schema = resolve(response, doc)["content"]["application/json"]["schema"]
    errors = validate(body, schema, doc)
    print(f"{method} {path} -> {status}: {'valid' if not errors else 'INVALID'}")
    for error in errors[:10]:
        print(f"  {error}")
    return status, body, errors


def main():
    base, api_key = sys.argv[1].rstrip("/"), sys.argv[2]
    _, doc = fetch_json(base + "/openapi.json")
    failures = 0
    status, found, errors = call(base, doc, api_key, "clients-search", {"q": "pena", "limit": 3})
    failures += len(errors) + (status != 200) + (found["total"] < 1)
    service_id = found["items"][0]["client"]["serviceId"]
    status, _, errors = call(base, doc, api_key, "clients-byServiceId", {"serviceId": service_id})
    failures += len(errors) + (status != 200)
    status, plans, errors = call(base, doc, api_key, "plans-list", {})
    failures += len(errors) + (status != 200) + (len(plans["items"]) < 1)
    # The validator must be able to fail: a wrong shape is caught.
    if not validate({"items": [{"id": "x"}]}, resolve(find_operation(doc, "plans-list")[2]["responses"]["200"], doc)["content"]["application/json"]["schema"], doc):
        print("self-check failed: an invalid body passed")
        failures += 1
    print(f"consumer: {'OK' if failures == 0 else f'{failures} problem(s)'}")
    sys.exit(0 if failures == 0 else 1)


if __name__ == "__main__":
    main()
