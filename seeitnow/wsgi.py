from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seeitnow.settings")
application = get_wsgi_application()

from seeitnow.startup import refuse_to_start_if_misconfigured  # noqa: E402

refuse_to_start_if_misconfigured()
