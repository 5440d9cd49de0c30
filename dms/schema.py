"""Every table of the archive: importing this registers them all on Base.metadata
(migrations, test fixtures and the Archive need the whole schema, not one area)."""

from dms import audit, mail, numbering, workdays  # noqa: F401
from dms.accounts import models as account_models  # noqa: F401
from dms.documents import consequence_tests  # noqa: F401
from dms.documents import models as document_models  # noqa: F401
from dms.monitoring import models as monitoring_models  # noqa: F401
from dms.organisations import models as organisation_models  # noqa: F401
from dms.requests import models as request_models  # noqa: F401
