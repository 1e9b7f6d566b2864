# %% [markdown]
# # 99 · Glossary (용어집)
#
# Every key term of the course in English and Korean, with a one-line definition and the notebook
# that teaches it. Every notebook links here from its first cell.
#
# **Learning objectives**
# - Look up any term of the course in English or Korean.
# - Find the notebook where a term is taught and demonstrated.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## All terms
#
# The links in the last column open the notebook that teaches the term.

# %%
from IPython.display import HTML

from vlab.labs import glossary

HTML(glossary.to_html())

# %% [markdown]
# Look up one term by its English or Korean name:

# %%
glossary.lookup("하이퍼바이저")

# %% tags=["keep_output", "nbval-check-output"]
terms = glossary.terms()
print(f"{len(terms)} terms; every term has a Korean term and a definition:",
      bool((terms["korean"] != "").all() and (terms["definition"] != "").all()))

# %% [markdown]
# ## Self-check
#
# What is the Korean term for **namespace**? Type it as a string (for example `"커널"`) and run the cell.

# %%
from vlab.widgets import quiz

my_answer = None  # ← the Korean term, in quotes
quiz.check(my_answer, glossary.lookup("namespace")["korean"])

# %%
quiz.solution("<b>네임스페이스</b>: the kernel feature that divides what a process can see. "
              "See <a href='05_namespaces.ipynb'>05 · Namespaces</a>.")

# %% [markdown]
# ## Key points
# - Terms are given in English with the Korean term beside them, as in every notebook.
# - Each term names the notebook where you can see it happen.
#
# **Next:** back to the [start · 00_start_here](00_start_here.ipynb)
