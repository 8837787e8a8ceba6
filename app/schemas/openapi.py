"""The OpenAPI document states the rules a schema enforces beyond its fields.

A cross-field rule checked in a ``validates_schema`` method (one of two fields, a date
range in order) has no marshmallow field to describe it. Such a schema names the rule in
JSON Schema terms as ``openapi_rules`` (e.g. ``oneOf`` of ``required`` lists), next to the
method that enforces it; this plugin adds it to the schema's component in the document.
"""

from __future__ import annotations

import copy

from apispec.ext.marshmallow import MarshmallowPlugin, resolve_schema_cls


class RulesPlugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, plus each schema's ``openapi_rules``."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        if json_schema is None:
            return None
        rules = getattr(resolve_schema_cls(schema), "openapi_rules", None)
        if rules:
            json_schema.update(copy.deepcopy(rules))
        return json_schema
