# %% [markdown]
# # 01 · Servers (서버): be the client of real servers
#
# Before we virtualize servers, we need to know what a server is. In this notebook **you are the client**:
# Python sends real HTTP requests to four small servers that vlab starts on your machine, and you read
# what comes back.
#
# **Learning objectives**
# - Explain what a **server (서버)** is: hardware together with the software running on it.
# - Tell the **client (클라이언트)**, which requests, from the **server**, which serves (제공하다) the result.
# - Classify servers by the software they run: **web server (웹 서버)**, **WAS (웹 애플리케이션 서버)**,
#   **file server (파일 서버)** and **DBMS server (DBMS 서버)**.
# - See with your own requests that a web server answers **static** pages and a WAS computes **dynamic** results.
# - Name the three ways to operate servers: **bare metal (베어메탈)**, **hypervisor (하이퍼바이저)**, **container (컨테이너)**.

# %%
from vlab import course

mode = course.begin()

# %% [markdown]
# ## What is a server?
# <small>Course map: S1.1 · S1.2</small>
# <small>Figure counterpart: 서버.png</small>
#
# The word **server (서버)** has two meanings, and the context tells which one is meant:
# - the **machine**: a computer (CPU, memory, disks, network) in a data centre, "we bought three servers";
# - the **software** on it that answers requests: "the web server crashed", while the machine runs on.
#
# A server is really both together: **hardware plus the software running on it**. To **serve** means to
# provide something: the server provides a result, and the **client (클라이언트)** is whoever asks for it: a
# browser, a phone app, or, in this notebook, Python.
#
# ### The plain interface first
# One server and one request, by hand: the Docker SDK for Python starts busybox `httpd` in a container (labelled,
# 32 MiB, 16 processes, no capabilities; on Docker's default bridge network, because this time we must reach it), and
# `urllib` from Python's standard library sends an HTTP `GET`. In replay mode it shows a recorded answer.

# %%
import time
import urllib.request

import docker

if mode.live:
    box = docker.from_env().containers.run(
        "vlab/busybox:1", ["sh", "-c", "mkdir /tmp/w && echo hello from a server > /tmp/w/index.html && "
                           "httpd -f -p 8080 -h /tmp/w"], detach=True, mem_limit="32m", pids_limit=16,
        cap_drop=["ALL"], labels={"vlab": "1", "vlab.purpose": "glass-box-http"})
    try:
        box.reload()
        url = f"http://{box.attrs['NetworkSettings']['IPAddress']}:8080/index.html"
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for a local address
        for _ in range(30):
            try:
                with direct.open(url, timeout=1) as resp:
                    print("GET", url, "→", resp.status, resp.headers["Content-Type"], "|", resp.read().decode().strip())
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("no answer from", url, "(is the engine on another machine, such as Docker Desktop's VM?)")
    finally:
        box.remove(force=True)
else:
    print("replay mode: no engine to start a server; the recorded tour below shows real answers.")

# %% [markdown]
# vlab does this with more care: `servers.tour()` below gives the servers their own bridge network and a CPU limit,
# waits until each one answers, keeps every response with its timing, removes everything even on Ctrl-C, and in
# replay mode returns a recorded run.
#
# The cell below starts four servers, each in a small container with its own limits (32 MiB of memory,
# half a CPU), sends each a fixed list of real **HTTP** requests (HTTP is the protocol browsers and web servers
# speak), keeps every response, and removes the servers again. It takes a few seconds. In replay mode it shows
# the responses of a recorded run instead, and the first line says so.
#
# **Predict first.** The tour asks the application server (WAS) for the same page twice. Will the two answers be
# identical? Write `True` or `False`.

# %%
predicted_same = None  # ← True or False

# %%
from vlab.labs import servers
from vlab.plots import servers as server_plots

tour = servers.tour()
print(servers.source(tour))
servers.inside(tour)

# %% [markdown]
# Each row is one server seen from inside: the CPUs and the memory it may use (its "hardware") and the
# program it runs (its "software"). All four run the same program here, busybox `httpd`; what makes one a web
# server and another a database is the **software behind it**: the files and programs it serves.

# %% tags=["keep_output", "nbval-check-output"]
print("Memory each server may use (MiB):", sorted(set(servers.inside(tour)["memory_limit_mib"])))
print("Program running as PID 1 in every server:", sorted(set(servers.inside(tour)["software"])))

# %%
server_plots.server_anatomy(servers.inside(tour).iloc[0].to_dict(), replayed=tour.replayed);

# %% [markdown]
# ## You are the client: a request and its response
# <small>Course map: S1.2</small>
#
# Every exchange has the same shape. The client sends a **request** (요청): a method (`GET`) and a path
# (`/`). The server sends back a **response** (응답): a **status** (`200 OK`, `404 Not Found` …),
# **headers** that describe the answer (its type, its length, the server's date) and the **body**, the
# answer itself. Here is the first response of the tour, from the web server:

# %%
first = servers.responses(tour)[0]
first

# %% [markdown]
# And here is every request of the tour, one line each. Look at the `answer` column: which lines are
# identical, and which change although the request is the same?

# %%
servers.table(tour)

# %% [markdown]
# ## A web server answers static pages
# <small>Course map: S1.4</small>
#
# A **web server (웹 서버)** answers HTTP requests from browsers with **static** pages: files stored on the
# server (HTML, images, style sheets), sent exactly as they are. Asking twice gives the same bytes twice.
# We check that with a **fingerprint**, the SHA-256 hash of each body: equal hashes mean equal bytes.

# %%
for r in servers.responses(tour, "web"):
    print(f"{r.status} GET {r.path:<20} sha256 {r.body_sha256[:16]}…  {r.content_type}")

# %% tags=["keep_output", "nbval-check-output"]
facts = servers.facts(tour)
print("Static page identical on two requests:", facts["static page identical on two requests"])

# %% [markdown]
# ## A WAS computes dynamic results
# <small>Course map: S1.5</small>
#
# A **web application server (WAS, 웹 애플리케이션 서버)** runs a **backend application**, in companies
# usually written in Java (Spring on Tomcat, for example) or Python, PHP, Node.js. For every request the
# program **runs** and computes the answer: from a database, from the time, from what the client sent.
# So the result is **dynamic**.
#
# Our WAS is a tiny **CGI** program: a shell script that busybox `httpd` runs as a new process for each request. It
# is a stand-in for a real application server such as Tomcat, which keeps one long-running program and calls your
# code inside it. Ours counts requests, reads the query string `?n=10`, computes 1 + 2 + … + n, says what time it is
# on the server (to the second), and reports the process id (`pid`) that answered.

# %%
for r in servers.responses(tour, "app"):
    print(f"GET {r.path:<22} →", r.json())

# %%
print(servers.compare_prediction(predicted_same, tour))

# %% tags=["keep_output", "nbval-check-output"]
print("Dynamic answer differs on two identical requests:", facts["dynamic answer differs on two identical requests"])
print("Request counter went up by one:", facts["request counter went up by one"])
print("WAS computed 1+2+…+100 = 5050:", facts["WAS computed 1+2+…+100 = 5050"])

# %% [markdown]
# Real sites combine both: the web server hands out the static parts fast, and passes the dynamic requests
# (log in, search, pay) on to the WAS behind it.
#
# **Try it yourself.** `servers.ask(server, path)` starts one server, sends your request and removes the
# server. Change `n` and run the cell again (live mode; in replay mode only the recorded paths can be asked).

# %%
servers.ask("app", "/cgi-bin/app?n=10").json()

# %% [markdown]
# ## File servers, DBMS servers, and what a company runs
# <small>Course map: S1.3</small>
# <small>Figure counterpart: 실제기업에서운영하는서버.png</small>
#
# Servers are **classified by the software they run**:

# %%
servers.kinds_table()

# %% [markdown]
# - A **file server (파일 서버)** stores files and hands them out unchanged (company shares, NAS, FTP).
#   Ours lists its folder with each file's size and SHA-256, and we check that what we downloaded is
#   byte for byte what it stores.
# - A **DBMS server (DBMS 서버)** runs a database management system (MySQL, PostgreSQL, Oracle): it stores
#   records and answers queries. Ours is a tiny **key-value store** (a key, a value) kept in files; a real
#   DBMS adds a query language (SQL), indexes, transactions and its own network protocol instead of HTTP.

# %%
for r in servers.responses(tour, "file") + servers.responses(tour, "db"):
    shown = f"<binary file, sha256 {r.body_sha256[:16]}…>" if r.path.endswith(".bin") else " ".join(r.body.split())[:80]
    print(f"{r.server:>4} {r.status} GET {r.path:<52} {shown}")

# %% tags=["keep_output", "nbval-check-output"]
for key in ("downloaded files match the server's SHA-256", "database returns what was stored",
            "database answers 404 for a missing key"):
    print(f"{key}: {facts[key]}")

# %% [markdown]
# A real company runs these roles together. A browser's request reaches the web server; dynamic work goes
# to the WAS; the WAS asks the DBMS for data and the file server for documents. The figure shows the
# chain, with the median answer time each of our four servers gave in the tour (small here: every server
# sits on this one machine, and a busybox program is small).

# %%
server_plots.company_servers(tour.summary, replayed=tour.replayed);

# %% [markdown]
# ## Three ways to operate servers
# <small>Course map: S1.6</small>
# <small>Figure counterpart: 서버운영법.png</small>
#
# A company needs many server programs. How does it run them?
# - **Bare metal (베어메탈)**: buy a machine, install one operating system, run the programs on it. Simple,
#   but inefficient for a company: one program's crash or hunger for memory hits all the others, so in
#   practice each service gets its own machine, and most machines sit mostly idle.
# - **Hypervisor (하이퍼바이저)**: one physical machine runs several **virtual machines (가상 머신)**, each with a whole
#   guest operating system of its own. Strong isolation, but every VM must boot and run a kernel of its own.
# - **Container (컨테이너)**: isolated processes that share the host's kernel. Light and fast to start.
#
# The four servers you just used were **containers**: four servers with separate files, process lists and
# limits on one machine, all started within a few seconds. Parts 2 and 3 of the course measure why.

# %%
server_plots.operating_models();

# %% [markdown]
# Click through the layers yourself: pick a stack, then click a layer to see what it does.

# %%
from vlab.widgets.stack import StackView

StackView("bare metal")

# %% [markdown]
# ## Exercise 1: what changed between two identical requests?
# <small>Course map: S1.5</small>
#
# The tour asked the WAS for `/cgi-bin/app?n=10` twice. Take the two JSON answers (`r.json()` gives a dict) and
# compute the list of **keys whose values differ** between them.

# %% tags=["exercise"]
app = [r for r in servers.responses(tour, "app") if r.path.endswith("?n=10")]
first, second = app[0].json(), app[1].json()
changed = ...  # ← a list of the keys k whose value in first differs from the value in second

# %%
servers.check_changed_keys(changed, tour)

# %% [markdown]
# <details><summary>Hint</summary>
#
# Loop over the keys of one dict: `[k for k in first if first[k] != second[k]]`.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
changed = [k for k in first if first[k] != second[k]]
servers.check_changed_keys(changed, tour)

# %% [markdown]
# ## Exercise 2: fingerprint the static page yourself
# <small>Course map: S1.4</small>
#
# Compute, with Python's `hashlib`, the SHA-256 fingerprint (as a hex string) of the body of each answer the **web**
# server gave to the path `/`. A list with one hash per answer, in the tour's order.

# %% tags=["exercise"]
import hashlib

web_root = [r for r in servers.responses(tour, "web") if r.path == "/"]
hashes = ...  # ← [hashlib.sha256(...).hexdigest() for each response in web_root]

# %%
servers.check_page_hashes(hashes, tour)

# %% [markdown]
# <details><summary>Hint</summary>
#
# `hashlib.sha256` takes bytes: `r.body.encode()` turns the body text into bytes; `.hexdigest()` gives the hex string.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
hashes = [hashlib.sha256(r.body.encode()).hexdigest() for r in web_root]
servers.check_page_hashes(hashes, tour)

# %% [markdown]
# And a check on **your own data**: every claim of this notebook holds for the responses above.

# %% tags=["keep_output", "nbval-check-output"]
assert all(facts.values()), {k: v for k, v in facts.items() if not v}
print(f"All {len(facts)} claims hold on these responses.")

# %% [markdown]
# ## Key points
# - A **server (서버)** is hardware plus the software running on it; it **serves** results to a **client (클라이언트)**.
# - Every HTTP exchange is a request (method, path) and a response (status, headers, body).
# - A **web server (웹 서버)** sends **static** pages: the same bytes every time.
# - A **WAS (웹 애플리케이션 서버)** runs a program per request, so its answers are **dynamic**.
# - **File servers (파일 서버)** hand out stored files; **DBMS servers (DBMS 서버)** store and query data.
# - Servers are operated on **bare metal (베어메탈)**, with a **hypervisor (하이퍼바이저)**, or in
#   **containers (컨테이너)**, as the four servers here were.
#
# **Next:** [02 · DevOps and Infrastructure as Code](02_devops_iac.ipynb) · [Glossary · 용어집](99_glossary.ipynb)
