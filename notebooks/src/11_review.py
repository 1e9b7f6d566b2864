# %% [markdown]
# # 11 · Review: the whole course in 15 questions
#
# This quiz walks through the whole course, from servers to container security. Each question gives
# immediate feedback and explains **every** choice, right or wrong; "Show solution" reveals the answer.
#
# **Learning objectives**
# - Check that you can explain each idea of the course in your own words.
# - Find the notebook to revisit for any question you miss (each question names it).

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## The course quiz
#
# Click an answer (multiple choice) or type a number and press **Check**. Your score updates as you go.

# %%
from vlab.widgets import quiz
from vlab.widgets.review import QUESTIONS

review = quiz.Quiz(QUESTIONS, title="Course review · 복습 퀴즈")
review

# %% [markdown]
# Which notebook teaches each question? Revisit the ones you missed.

# %%
import pandas as pd

pd.DataFrame({"question": range(1, len(QUESTIONS) + 1),
              "concepts": [" · ".join(q.concepts) for q in QUESTIONS],
              "revisit": [q.notebook for q in QUESTIONS]}).set_index("question")

# %% [markdown]
# The quiz covers every concept of the course map: the check below compares the questions' concept
# ids with the course map's.

# %% tags=["keep_output", "nbval-check-output"]
from vlab.labs.coverage import course_map

ids = set(course_map()["id"])
asked = {c for q in QUESTIONS for c in q.concepts}
print(f"questions: {len(QUESTIONS)}; course-map ids asked about: {len(asked & ids)} of {len(ids)}")
print("ids not asked about:", sorted(ids - asked) or "none")

# %% [markdown]
# ## Self-check: your own numbers
#
# The last question is about your data. In the overhead notebook a CPU-bound loop ran natively and
# in a container. **Is a container's CPU work much slower than native?** Replace `None` with `True` or `False`
# and run the cell.

# %%
my_answer = None  # ← True or False
quiz.check(my_answer, False, explanation="A container's process runs on the host kernel directly, so CPU work "
           "costs about the same as native (ratio near 1).")

# %%
quiz.solution("<b>False</b>. There is no guest kernel and no interpreter in between: the container's process "
              "is an ordinary host process in its own namespaces and cgroups. CPU-bound work runs at native "
              "speed; see the ratio with its confidence interval in <a href='09_overhead.ipynb'>09 · Overhead</a>.")

# %% [markdown]
# ## Key points
# - **Servers (서버)** provide results to **clients (클라이언트)**; web servers serve static pages, a WAS
#   computes dynamic results; bare metal, hypervisors and containers are the three ways to run them.
# - **Virtualization (가상화)** isolates programs and allocates each a share, which makes **consolidation
#   (서버 통합)** onto a few big machines possible.
# - A **hypervisor (하이퍼바이저)** runs guest OSes with their own kernels and interprets between guest and host.
# - A **container (컨테이너)** is host processes isolated by **namespaces (네임스페이스)** and limited by **cgroups
#   (컨트롤 그룹)**: it shares the host kernel, so it starts fast and costs little, but it is weaker at isolation
#   and cannot run a different OS.
#
# **Next:** [Glossary · 용어집](99_glossary.ipynb) · back to the [start](00_start_here.ipynb)
