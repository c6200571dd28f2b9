"""Every change to a campaign and its reports, one function each, by domain.

Each action checks who may do it, writes its rows and their history (section versions,
indicator changes, report events) and its audit entry (`baocao.apps.audit`: who, what, from
which address) in one transaction, and refuses with an `ActionError` whose message a union
officer can read. Views, CLI commands and the API call these functions and nothing else, so
the rules cannot drift between them; callers use `actions.x`, the modules are an internal
layout:

- `campaigns`: open a campaign, give it the units added to the tree since, close, archive;
- `writing`: a section's text and a figure;
- `review`: submit, return, accept, reopen;
- `uploads`: a Word or Excel file received, confirmed into the report, or discarded;
- `drafts`: the consolidation workspace's writes (a passage inserted with its source, the
  draft of empty sections, all at once or one section at a time);
- `adopt`: a consolidating unit takes its units' rolled-up figures as its own;
- `locks` and `errors`: what every action starts with and how it refuses.
"""

from baocao.apps.campaigns.actions.adopt import *  # noqa: F403
from baocao.apps.campaigns.actions.campaigns import *  # noqa: F403
from baocao.apps.campaigns.actions.drafts import *  # noqa: F403
from baocao.apps.campaigns.actions.errors import *  # noqa: F403
from baocao.apps.campaigns.actions.review import *  # noqa: F403
from baocao.apps.campaigns.actions.uploads import *  # noqa: F403
from baocao.apps.campaigns.actions.writing import *  # noqa: F403
