"""Formats: the official format of a document (thể thức) and the Vietnamese rules.

Owns the format profiles (``profiles``: HD 36, HD 05, NĐ 30 as YAML values — sizes, margins,
texts, signature modes), the Word styles drawn from a profile (``styles``), and every rule of
the Vietnamese language and format in one place (``vnrules``: dates, numbers, symbols, headers,
signature blocks, where a line may break), and the Vietnamese word segmenter that says where
a line may break without cutting a word (``segment``, pyvi's model run by python-crfsuite).

May import: ``generator.base``, ``generator.model``.
"""
