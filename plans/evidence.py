"""Evidence files of plan activities: the shared upload rules (``hoagiai.uploads``: PDF,
Word, Excel or images recognised by their content, at most ``EVIDENCE_MAX_BYTES``)."""

from hoagiai.uploads import (  # noqa: F401
    ALLOWED,
    KINDS,
    NAME_MAX_BYTES,
    NAME_MAX_CHARS,
    check,
    display_name,
    extension_of,
    sniff,
    storage_name,
)
