"""Intake: reading what the units send back.

Owns recognising a returned Word or Excel file and its unit (``returns``), finding the outline's
parts in a document however Word users reworded them (``parts``), and taking a batch of returns
into the campaign's records all or nothing (``collect``).

May import: every layer below the application (``base`` … ``documents``, ``review``): a return
is read against the skeleton that was sent.
"""
