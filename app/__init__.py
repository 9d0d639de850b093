"""Shopfloor client package: domain rules, wire protocol, device store, sync, face, i18n, UI."""
