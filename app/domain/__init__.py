"""Pure domain rules shared by the client and the server (no I/O, no UI, no storage)."""
