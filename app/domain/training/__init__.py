"""Issue 13: training sessions, sign-in that cannot be faked, quizzes and who is trained on what.

Pure rules, no I/O, shared by the phones and the server (which re-checks with the same code):

- ``codes``: the rotating 6-digit session code, its QR text and its check;
- ``sessions``: a session's time window, place, invitations and capacity, and its roll;
- ``signin``: sign-in, sign-out and the trainer's manual additions, each refused with one reason.

See docs/training.md.
"""
