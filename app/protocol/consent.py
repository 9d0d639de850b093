"""The version of the face-data consent text. The client shows it, the server records it
with each decision and refuses consent given to an outdated text. Bump it whenever the
text in app/ui/screens/face_setup.py changes."""

CONSENT_TEXT_VERSION = "2026-11-v1"
