"""Flet screens. They read through the store and write through actions; no business rule here."""
