"""The reserved keys and the versions of the file format (see :mod:`nn.serialization`): what
``saving.py`` writes and ``loading.py`` checks."""

FORMAT_KEY = "__chainrule_format__"
MANIFEST_KEY = "__chainrule_manifest__"
STATE_DICT_VERSION = 1  # a flat dict of arrays
TREE_VERSION = 2  # nested data with a JSON manifest
FORMAT_VERSION = TREE_VERSION  # the newest version load reads
