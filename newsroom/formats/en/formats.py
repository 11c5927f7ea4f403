"""English dates as a Chinese paper's readers abroad read them: 2026-12-06, not 12/06/2026 (6 December or
12 June?). Only the short forms change; the long ones (Dec. 6, 2026) were never ambiguous. Django takes
each format from here first and the rest from its own English formats (FORMAT_MODULE_PATH)."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
