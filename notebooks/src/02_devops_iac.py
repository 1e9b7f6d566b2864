# %% [markdown]
# # 02 · DevOps and Infrastructure as Code (코드형 인프라)
#
# In notebook 01 a Python cell started four servers. A company runs hundreds, changes them every day, and
# must be able to rebuild them after a failure. Doing that by hand is slow and error-prone. This notebook
# declares a small two-server environment **as code** and lets vlab make reality match it.
#
# **Learning objectives**
# - Explain **DevOps (데브옵스)**: development and operations working as one, for efficiency, collaboration, speed
#   and stability.
# - Explain **Infrastructure as Code (IaC, 코드형 인프라)**: servers described in files and created by tools,
#   not by hand.
# - Read a **plan** (what will be created, replaced or deleted), **apply** it, and see that applying twice
#   changes nothing (**idempotence**, 멱등성).
# - Edit the declaration and see exactly the change; notice **drift** (reality changed by hand); **destroy** the
#   environment.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## DevOps: development and operations as one team
# <small>Course map: S1.7</small>
#
# Traditionally **developers** (개발) wrote the software and an **operations** team (운영) ran the servers. The
# hand-over between them was slow: tickets, manual installs, "it works on my machine". **DevOps (데브옵스)**
# integrates the two for four goals:
#
# | goal | what it means in practice |
# |---|---|
# | efficiency (효율성) | repetitive work (building, testing, creating servers) is automated |
# | collaboration (협업) | developers and operators share the same code, tools and responsibility |
# | speed (속도) | small changes go to production many times a day instead of a few times a year |
# | stability (안정성) | every change is reviewed, tested and repeatable, so it can be rolled back |
#
# Automation needs the servers themselves to be described in a form a program can read. That is IaC.

# %% [markdown]
# ## Infrastructure as Code: the declaration
# <small>Course map: S1.8</small>
#
# With **Infrastructure as Code (IaC, 코드형 인프라)** the infrastructure is managed and provisioned through
# **code** instead of manual processes. You write down *what* should exist (a **declaration**, 선언);
# a tool works out *how* to get there. Terraform, Ansible, Kubernetes manifests and Docker Compose all work
# like this. IaC is older than containers: **CFEngine** (1993), **Puppet** (2005), **Chef** (2009) and AWS
# **CloudFormation** (2011) configured physical machines and VMs years before Docker (2013). The declaration lives in version control next to the application code, so a change to the
# servers is reviewed like any other change.
#
# Our declaration is the file `environment.toml`: an environment called `shop` with a web server and a WAS.

# %%
from pathlib import Path

from vlab.labs import iac

text = Path("environment.toml").read_text(encoding="utf-8")
print(text)

# %% [markdown]
# ### The plain interface first
# The *actual state* is just a question to the engine: which containers carry this environment's label? And a plan
# is, at heart, set arithmetic between what is declared and what exists. By hand with the Docker SDK (it only
# lists; it creates nothing):

# %%
import docker

declared = {"web", "app"}  # the [servers.*] sections of environment.toml
if mode.live:
    found = docker.from_env().containers.list(all=True, filters={"label": "vlab.labs.iac=shop"})
    existing = {c.labels.get("vlab.labs.iac.server", c.name) for c in found}
else:
    existing = set()
    print("replay mode: no engine to ask; as on a fresh machine, nothing exists")
print("exists now:", sorted(existing), "| to create:", sorted(declared - existing),
      "| to delete:", sorted(existing - declared))

# %% [markdown]
# vlab does this with more care: it also compares each server's **configuration** (a hash stored in a label) and
# whether it runs, creates through the sandbox on a private network, and waits until each server answers.
#
# vlab reads the declaration into a structure, and compares it with the **actual state**: the containers that exist now
# with the label `vlab.labs.iac=shop`. In replay mode there is no engine, so the actual state is **simulated** in
# memory (the comparison logic is exactly the same; no server runs, so the "answers" below are placeholders).
# The line below says which one you have.

# %%
env = iac.load("environment.toml")
backend = iac.state()
print("Actual state comes from:", "a SIMULATION (replay mode, no engine)" if backend.simulated
      else "the Docker engine on this machine (live)")
iac.destroy(env.name);  # start from a clean slate: remove anything an earlier run of this notebook left

# %% [markdown]
# ### Plan: what would change?
# A **plan** compares the declaration with the actual state and lists the changes, without touching anything:
# `+` create, `~` replace, `-` delete.

# %%
plan = iac.plan(env)
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())

# %% [markdown]
# ### Apply: make it so
# **Apply** carries out the plan. Live, it starts two containers through vlab's sandbox (labelled, limited,
# on their own private network) and waits until each answers.

# %% tags=["keep_output", "nbval-check-output"]
result = iac.apply(env)
print(result.summary())

# %%
iac.show(env)

# %%
print("The web server answers:", iac.peek(env, "web"))

# %% [markdown]
# ### Apply again
# The declaration has not changed and the servers run. **Predict first.** How many containers will a second apply
# create or replace?

# %%
predicted_changes = None  # ← your prediction, a whole number

# %% tags=["keep_output", "nbval-check-output"]
again = iac.apply(env)
print(again.summary())
print("Containers replaced by the second apply:", len(again.plan.of("replace")))

# %%
print(iac.compare_apply_prediction(predicted_changes, again))

# %% [markdown]
# A second apply changes **nothing**. This property is called **idempotence (멱등성)**: applying once or ten times
# gives the same result. It is what makes IaC safe to run automatically, over and over, from a pipeline.

# %% [markdown]
# ## Change the declaration, see exactly the change
# <small>Course map: S1.8 · S1.7</small>
#
# Edit the code, not the servers. Below we change the text of the web page in the TOML text (as you would in
# the file and commit it) and ask for a plan. Only the web server changes; the WAS is untouched. A container
# is never edited in place: the old one is **replaced** by a new one built from the new declaration.

# %%
edited = iac.loads(text.replace("Welcome to the vlab shop", "Big sale at the vlab shop"))
plan = iac.plan(edited)

# %% [markdown]
# ### Exercise 2: which servers does the edit replace?
# Before printing the plan, compute it from the plan itself: `plan.changes` is a list of changes, each with
# `.action` (`"create"`, `"replace"`, `"delete"` or `"keep"`) and `.server` (the server's name). Make the list of
# the names of the servers this plan **replaces**.

# %% tags=["exercise"]
replaced = ...  # ← a list of c.server for the changes c whose action is "replace"

# %%
iac.check_replaced(replaced, plan)

# %% [markdown]
# <details><summary>Hint</summary>
#
# A list comprehension with a condition: `[c.server for c in plan.changes if c.action == ...]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
replaced = [c.server for c in plan.changes if c.action == "replace"]
iac.check_replaced(replaced, plan)

# %%
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())
for change in plan.changes:
    if change.action != "keep":
        print(change)

# %%
print(iac.apply(edited).summary())
print("The web server now answers:", iac.peek(edited, "web"))

# %% [markdown]
# Adding a server is one more block in the declaration. Here we add a DBMS-like key-value server
# (`kind = "db"`) with `with_server`, which is the same as adding a `[servers.db]` section to the file:

# %%
bigger = edited.with_server("db", kind="db")
print(iac.to_toml(bigger))

# %% tags=["keep_output", "nbval-check-output"]
print(iac.plan(bigger).summary())
print(iac.apply(bigger).summary())

# %% [markdown]
# ### Drift: when reality changes behind the code's back
# Someone stops a server by hand, or it crashes. Now the actual state **drifts** from the declaration. The
# next plan notices and repairs only that server.

# %%
iac.break_server(bigger, "app")
plan = iac.plan(bigger)
print(plan)

# %% tags=["keep_output", "nbval-check-output"]
print(plan.summary())
print(iac.apply(bigger).summary())
print(iac.plan(bigger).summary())

# %% [markdown]
# ### Destroy: remove everything
# When the environment is no longer needed, **destroy** removes every server it declared (and its network).
# Because everything is in code, it can be rebuilt identically at any time with one apply.

# %% tags=["keep_output", "nbval-check-output"]
print(iac.destroy(bigger).summary())
print("Servers of 'shop' left:", len(iac.show("shop")))
print(iac.destroy("shop").summary())

# %% [markdown]
# ## Exercise 1: write the plan yourself
# <small>Course map: S1.8</small>
#
# The heart of every IaC tool is a **diff** between the declaration and the actual state. Write `my_plan(desired,
# actual)`:
# - `desired` maps each declared server's name to its configuration hash, e.g. `{"web": "3f2a…", "app": "9b1c…"}`;
# - `actual` maps each existing server's name to `(hash, running)`, e.g. `{"web": ("3f2a…", True)}`.
#
# Return `{"create": [...], "replace": [...], "delete": [...]}`: create what is declared but missing; replace what
# exists with another hash **or is not running** (drift); delete what exists but is no longer declared. The checker
# tries your function on five situations built from `environment.toml`.

# %% tags=["exercise"]
def my_plan(desired, actual):
    create = ...  # ← names in desired but not in actual
    replace = ...  # ← names in both whose hash differs or that are not running
    delete = ...  # ← names in actual but not in desired
    return {"create": create, "replace": replace, "delete": delete}


# %%
iac.check_my_plan(my_plan, env)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `actual[name]` is a pair: `hash, running = actual[name]`. For replace:
# `[n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
def my_plan(desired, actual):
    create = [n for n in desired if n not in actual]
    replace = [n for n in desired if n in actual and (actual[n][0] != desired[n] or not actual[n][1])]
    delete = [n for n in actual if n not in desired]
    return {"create": create, "replace": replace, "delete": delete}


iac.check_my_plan(my_plan, env)

# %% [markdown]
# ## Key points
# - **DevOps** joins development and operations: automation and shared code for efficiency, collaboration,
#   speed and stability.
# - **Infrastructure as Code (IaC, 코드형 인프라)**: the servers are declared in files, reviewed and versioned like
#   application code, and created by a tool, not by hand.
# - **plan** shows the difference between the declaration and the actual state; **apply** changes only that
#   difference; a second apply changes nothing (**idempotence, 멱등성**).
# - Editing the declaration changes exactly the edited servers; **drift** is detected and repaired;
#   **destroy** removes everything, and one apply rebuilds it.
# - Containers make this cheap: creating or replacing a server is a container start (notebook 07 measures how
#   fast it is on your machine), not a machine set up by hand. IaC is older than containers (CFEngine 1993,
#   Puppet 2005, Chef 2009, CloudFormation 2011), but containers made replacing a server cheap enough to do daily.
#
# **Next:** [03 · Why virtualize](03_why_virtualize.ipynb) · [Glossary · 용어집](99_glossary.ipynb)
