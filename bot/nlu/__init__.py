"""Custom Rasa NLU components of kefu, referenced by module path in config.yml."""
