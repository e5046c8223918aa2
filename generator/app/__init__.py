"""App: the operations a user asks for, shared by the command line and the web workspace.

Owns the build pipeline (``main``: load → validate → build contexts → render → write, with
edits made in Word merged and words written there read back — ``edits``, ``harvest``; a
no-op build answered from a stamp before the engine is imported — ``quick``), the workspace
state of ``vanban serve`` (``workspace``), editing the data files and their forms
(``editing``, ``form``, ``restructure``, ``preview``, ``writing``, ``recent``), the status of
returns (``status``, ``unassigned``), watching the data (``watch``) and the data's reference
pages (``docs``).

May import: every engine layer below it. Imported only by ``generator.cli``,
``generator.__main__`` and ``generator.web``.
"""
