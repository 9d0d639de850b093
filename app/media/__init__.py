"""Issue 12, photoprep: pictures on the phone and on the server (Pillow, imported lazily)."""
