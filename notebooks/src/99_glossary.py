# %% [markdown]
# # 99 · Glossary (용어집)
#
# Every key term of the course in English and Korean, with a one-line definition and the notebook
# that teaches it. Every notebook links here from its first cell.
#
# **Learning objectives**
# - Look up any term of the course in English or Korean.
# - Find the notebook where a term is taught and demonstrated.

# %% [markdown] lang="ko"
# # 99 · 용어집(Glossary)
#
# 강좌의 모든 핵심 용어를 영어와 한국어로 정리하고, 한 줄 정의와 그 용어를 가르치는 노트북을 함께 적었습니다.
# 모든 노트북은 첫 셀에서 이곳으로 연결됩니다.
#
# **학습 목표**
# - 강좌의 어떤 용어든 영어나 한국어로 찾아볼 수 있습니다.
# - 어떤 용어를 가르치고 직접 보여 주는 노트북이 어디인지 찾을 수 있습니다.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## All terms
#
# The links in the last column open the notebook that teaches the term.

# %% [markdown] lang="ko"
# ## 모든 용어
#
# 마지막 열의 링크를 누르면 그 용어를 가르치는 노트북이 열립니다.

# %%
from IPython.display import HTML

from vlab.labs import glossary

HTML(glossary.to_html())

# %% [markdown]
# Look up one term by its English or Korean name:

# %% [markdown] lang="ko"
# 용어 하나를 영어 이름이나 한국어 이름으로 찾아보세요.

# %%
glossary.lookup("하이퍼바이저")

# %% tags=["keep_output", "nbval-check-output"]
terms = glossary.terms()
print(course.tr("{n} terms; every term has a Korean term and a definition:").format(n=len(terms)),
      bool((terms["korean"] != "").all() and (terms["definition"] != "").all()))

# %% [markdown]
# ## Self-check
#
# What is the Korean term for **namespace**? Type it as a string (for example `"커널"`) and run the cell.

# %% [markdown] lang="ko"
# ## 스스로 점검
#
# **namespace**를 한국어로 뭐라고 할까요? 문자열로 입력하고(예: `"커널"`) 셀을 실행하세요.

# %%
from vlab.widgets import quiz

my_answer = None  # ← the Korean term, in quotes
quiz.check(my_answer, glossary.lookup("namespace")["korean"])

# %%
quiz.solution(course.tr("<b>네임스페이스</b>: the kernel feature that divides what a process can see. "
                        "See <a href='05_namespaces.ipynb'>05 · Namespaces</a>."))

# %% [markdown]
# ## Key points
# - Terms are given in English with the Korean term beside them, as in every notebook.
# - Each term names the notebook where you can see it happen.
#
# **Next:** back to the [start · 00_start_here](00_start_here.ipynb)

# %% [markdown] lang="ko"
# ## 핵심 정리
# - 모든 노트북과 마찬가지로, 용어는 한국어와 영어를 나란히 적었습니다.
# - 용어마다 그 내용을 직접 눈으로 볼 수 있는 노트북이 적혀 있습니다.
#
# **다음:** [시작하기 · 00_start_here](00_start_here.ipynb)로 돌아가기
