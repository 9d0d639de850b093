"""Issue 12, inspscore: store inspections. Templates (``templates``) and the rules that score an
inspection done with one (``scoring``). Pure: the phone and the server call the same functions."""
