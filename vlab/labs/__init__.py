"""labs: one module per lab, named after its notebook; they use the core, never each other's private helpers."""
