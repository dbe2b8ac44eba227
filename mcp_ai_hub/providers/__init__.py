"""One package per vendor, each declared once in `registry` through its `spec` module (who it is:
key variables, base URLs, capabilities). A vendor's `api` module says how to talk to it (`API`:
auth headers and error-body parsing; `list_models(client)`: the live listing); its capability
modules (`text.py`, `image.py`, ...) hold the wire format of each capability.
`openai_compat` is the wire code shared by the OpenAI-compatible vendors (OpenAI, xAI, Together)
and by the user-configured endpoints of `endpoint`.
"""
