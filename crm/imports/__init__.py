"""Importers for councils moving to Hearth from spreadsheets.

Every importer validates the whole file first and imports all or nothing,
reporting each bad row with its row number, column and reason.
"""
