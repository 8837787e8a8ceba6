"""The caller's customs-registration profile."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth import current_user, roles_required
from ..schemas.fields import CustomsCode
from ..services import users

blp = Blueprint("profile", __name__, url_prefix="/profile", description="Customs registrations")


class ProfileIn(Schema):
    customs_code = CustomsCode(allow_none=True)
    customs_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    dxp_id = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9A-Za-z]{1,30}$"))
    platform_code = CustomsCode(allow_none=True)
    platform_name = fields.String(allow_none=True, validate=validate.Length(max=200))


class ProfileOut(ProfileIn):
    name = fields.String()
    role = fields.String()


@blp.route("", methods=["GET"])
@roles_required("seller", "broker")
@blp.response(200, ProfileOut)
def get_profile():
    return users.get_profile(current_user())


@blp.route("", methods=["PUT"])
@roles_required("seller", "broker")
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
def put_profile(changes):
    """Set the customs registrations declarations are filed under."""
    return users.update_profile(current_user(), changes)
