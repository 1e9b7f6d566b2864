"""matplotlib figures, one module per lab, all in a colour-blind-safe palette (plots.common)."""
