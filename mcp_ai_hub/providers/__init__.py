"""One package per vendor. Each package's `__init__` holds who the vendor is and how to talk to it
(`API`: auth headers and error-body parsing; `base_url(settings)`; `list_models(hub)`); its
capability modules (`text.py`, `image.py`, ...) hold the wire format of each capability.
`openai_compat` is the wire code shared by the OpenAI-compatible vendors (OpenAI, xAI, Together).
"""
