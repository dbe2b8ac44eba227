"""User-configured OpenAI-compatible endpoints (`AI_HUB_OPENAI_COMPATIBLE`): one provider each."""
