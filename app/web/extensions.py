"""The pages' Flask extensions, created unbound and bound in ``app.web.init_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
