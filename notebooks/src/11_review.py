# %% [markdown]
# # 11 · Review: the whole course, and your own numbers
#
# This quiz walks through the whole course, from servers to container security. Each question gives
# immediate feedback and explains **every** choice, right or wrong; "Show solution" reveals the answer. The last
# questions are about **your own measurements**: their right answers are computed from the numbers your machine
# produces below (or, in replay mode, from the recorded run, and the question says so).
#
# **Learning objectives**
# - Check that you can explain each idea of the course in your own words.
# - Find the notebook to revisit for any question you miss (each question names it).

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## Your numbers first
#
# A short measurement for the questions about your machine: a few container starts without and with a bridge
# network (notebook 07), and the write calls the kernel counts for `dd bs=1` in a container (notebooks 04 and 09).
# Nothing is printed: the quiz asks you about it.

# %%
from vlab.labs import start_time, syscalls

start = start_time.measure_start(course.trials(10, 3), variants=["network"], progress=False)
counts = syscalls.count_syscalls(n=2000)
print("your data:", "REPLAYED from a recorded run" if start.replayed else "measured now on this machine")

# %% [markdown]
# ## The course quiz
#
# Click an answer (multiple choice) or type a number and press **Check**. Your score updates as you go.

# %%
from vlab.widgets.review import QUESTIONS, review_quiz

review = review_quiz(start, counts)
review

# %% [markdown]
# Which notebook teaches each question? Revisit the ones you missed.

# %%
import pandas as pd

pd.DataFrame({"question": range(1, len(review.questions) + 1),
              "concepts": [" · ".join(q.concepts) for q in review.questions],
              "revisit": [q.notebook for q in review.questions]}).set_index("question")

# %% [markdown]
# The quiz covers every concept of the course map: the check below compares the questions' concept
# ids with the course map's.

# %% tags=["keep_output", "nbval-check-output"]
from vlab.labs.coverage import course_map

ids = set(course_map()["id"])
asked = {c for q in QUESTIONS for c in q.concepts}
print(f"fixed questions: {len(QUESTIONS)}; course-map ids asked about: {len(asked & ids)} of {len(ids)}")
print("ids not asked about:", sorted(ids - asked) or "none")

# %% [markdown]
# ## Key points
# - **Servers (서버)** provide results to **clients (클라이언트)**; web servers serve static pages, a WAS
#   computes dynamic results; bare metal, hypervisors and containers are the three ways to run them.
# - **Virtualization (가상화)** isolates programs and allocates each a share, which makes **consolidation
#   (서버 통합)** onto a few big machines possible.
# - A **hypervisor (하이퍼바이저)** runs guest OSes with their own kernels and stands between the guest's (virtual)
#   hardware and the real one; the guest's system calls go to its own kernel, never to the hypervisor.
# - A **container (컨테이너)** is host processes isolated by **namespaces (네임스페이스)** and limited by **cgroups
#   (컨트롤 그룹)**: it shares the host kernel, so it starts fast and costs little, but it is weaker at isolation
#   and cannot run a different OS.
#
# **Next:** [Glossary · 용어집](99_glossary.ipynb) · back to the [start](00_start_here.ipynb)
