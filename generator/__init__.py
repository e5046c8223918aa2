"""vanban — sinh văn bản của một đợt sơ kết, tổng kết từ một bộ dữ liệu."""

import sys as _sys
import types as _types

__version__ = "0.1.0"


def _no_pydantic_plugins() -> None:
    """vanban validates its data with pydantic and uses none of pydantic's plugins, but
    pydantic looks for them when the first model is built: it loads ``importlib.metadata``
    and reads every installed package's entry points, about 20 ms of every command's start.
    Its own switch (``PYDANTIC_DISABLE_PLUGINS``) still loads the lookup; here the lookup is
    given as that switch makes it answer — no plugin — before anything imports pydantic.
    Were pydantic to look elsewhere one day, it would simply look, as before."""
    name = "pydantic.plugin._loader"
    if name not in _sys.modules:
        loader = _types.ModuleType(name, "pydantic's plugin lookup, as vanban runs it: no plugin")
        loader.get_plugins = lambda: ()
        _sys.modules[name] = loader


_no_pydantic_plugins()
