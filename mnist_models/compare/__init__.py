"""``mnist-models compare``: two environments or two revisions, every aspect, one verdict."""
