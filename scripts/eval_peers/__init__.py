"""Reference recommenders under the full-ranking leave-one-out protocol (see __main__.py)."""
