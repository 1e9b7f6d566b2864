"""core: talks to engines and files; knows nothing of lessons."""
