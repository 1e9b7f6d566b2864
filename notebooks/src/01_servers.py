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

# %% [markdown] lang="ko"
# # 01 · 서버(server): 실제 서버의 클라이언트가 되어 보기
#
# 서버를 가상화하기 전에 먼저 서버가 무엇인지 알아야 합니다. 이 노트북에서는 **여러분이 클라이언트**입니다.
# vlab이 여러분의 컴퓨터에서 작은 서버 네 개를 띄우면, Python이 그 서버들에 실제 HTTP 요청을 보내고
# 여러분은 돌아온 응답을 읽어 봅니다.
#
# **학습 목표**
# - **서버**(server)가 무엇인지 설명합니다. 서버는 하드웨어와 그 위에서 실행 중인 소프트웨어를 함께 가리킵니다.
# - 요청하는 쪽인 **클라이언트**(client)와 결과를 제공하는(serve) 쪽인 **서버**를 구분합니다.
# - 서버를 실행하는 소프트웨어에 따라 분류합니다: **웹 서버**(web server), **웹 애플리케이션 서버(WAS)**,
#   **파일 서버**(file server), **DBMS 서버**(DBMS server).
# - 직접 보낸 요청으로, 웹 서버는 **정적**(static) 페이지로 응답하고 WAS는 **동적**(dynamic) 결과를 계산한다는 것을 확인합니다.
# - 서버를 운영하는 세 가지 방식을 말할 수 있습니다: **베어메탈**(bare metal), **하이퍼바이저**(hypervisor), **컨테이너**(container).

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

# %% [markdown] lang="ko"
# ## 서버란 무엇인가?
# <small>Course map: S1.1 · S1.2</small>
# <small>Figure counterpart: 서버.png</small>
#
# **서버**(server)라는 말에는 두 가지 뜻이 있으며, 어느 쪽을 말하는지는 문맥으로 판단합니다.
# - **기계**: 데이터 센터에 있는 컴퓨터(CPU, 메모리, 디스크, 네트워크)입니다. "서버를 세 대 샀다"처럼 씁니다.
# - 그 위에서 요청에 응답하는 **소프트웨어**입니다. "웹 서버가 죽었다"고 할 때, 기계는 여전히 잘 돌아가고 있습니다.
#
# 사실 서버는 이 둘을 합친 것, 즉 **하드웨어와 그 위에서 실행 중인 소프트웨어**입니다. **서브**(serve)한다는 것은
# 무언가를 제공한다는 뜻입니다. 서버는 결과를 제공하고, **클라이언트**(client)는 그 결과를 요청하는 쪽입니다.
# 웹 브라우저나 휴대폰 앱이 클라이언트이고, 이 노트북에서는 Python이 클라이언트입니다.
#
# ### 먼저 가장 단순한 방법으로
# 서버 하나에 요청 하나를 직접 보내 봅니다. Python용 Docker SDK가 컨테이너 안에서 busybox `httpd`를 시작하고
# (레이블을 붙이고, 메모리 32 MiB, 프로세스 16개, 케이퍼빌리티(capability) 없음으로 제한합니다. 이번에는 서버에 직접 접속해야 하므로
# Docker의 기본 브리지 네트워크에 연결합니다), Python 표준 라이브러리의 `urllib`이 HTTP `GET` 요청을 보냅니다.
# 리플레이 모드(replay mode)에서는 기록해 둔 응답을 보여 줍니다.

# %%
import time
import urllib.request

import docker

from vlab.labs import servers

if mode.live:
    box = docker.from_env().containers.create(  # ulimits: explicit nofile/nproc, needed by Podman without capabilities
        "vlab/busybox:1", ["sh", "-c", "mkdir /tmp/w && echo hello from a server > /tmp/w/index.html && "
                           "httpd -f -p 8080 -h /tmp/w"], mem_limit="32m", pids_limit=16,
        cap_drop=["ALL"], ulimits=course.ulimits(), labels={"vlab": "1", "vlab.purpose": "glass-box-http"})
    try:
        box.start()
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
            print(course.tr("no answer from {url} (is the engine on another machine, such as Docker Desktop's VM?)")
                  .format(url=url))
    finally:
        box.remove(force=True)
else:
    line, note = servers.recorded_get()
    print(line)
    print(note)

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

# %% [markdown] lang="ko"
# vlab은 같은 일을 더 꼼꼼하게 처리합니다. 아래의 `servers.tour()`는 서버들에 전용 브리지 네트워크와 CPU 제한을 주고,
# 각 서버가 응답할 때까지 기다리며, 모든 응답을 걸린 시간과 함께 보관하고, Ctrl-C를 눌러도 만든 것을 모두 지웁니다.
# 리플레이 모드에서는 기록된 실행 결과를 돌려줍니다.
#
# 아래 셀은 서버 네 개를 시작합니다. 각 서버는 자체 제한(메모리 32 MiB, CPU 절반)이 걸린 작은 컨테이너에서 실행됩니다.
# 셀은 각 서버에 미리 정해 둔 실제 **HTTP** 요청 목록을 보내고(HTTP는 브라우저와 웹 서버가 주고받는 프로토콜입니다),
# 모든 응답을 보관한 다음 서버를 다시 제거합니다. 몇 초 정도 걸립니다. 리플레이 모드에서는 그 대신 기록된 실행의 응답을
# 보여 주며, 첫 줄에 그 사실이 표시됩니다.
#
# **먼저 예측해 보세요.** 이 투어(tour)는 애플리케이션 서버(WAS)에 같은 페이지를 두 번 요청합니다. 두 응답이 똑같을까요?
# `True` 또는 `False`로 적어 보세요.

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

# %% [markdown] lang="ko"
# 각 행은 서버 하나를 안에서 들여다본 모습입니다. 서버가 쓸 수 있는 CPU와 메모리(서버의 "하드웨어"), 그리고 서버가
# 실행하는 프로그램(서버의 "소프트웨어")이 나옵니다. 여기서는 네 서버 모두 같은 프로그램인 busybox `httpd`를 실행합니다.
# 어떤 서버는 웹 서버가 되고 어떤 서버는 데이터베이스가 되는 것은 **그 뒤에 있는 소프트웨어**, 즉 서버가 제공하는 파일과
# 프로그램 때문입니다.

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("Memory each server may use (MiB):"), sorted(set(servers.inside(tour)["memory_limit_mib"])))
print(course.tr("Program running as PID 1 in every server:"), sorted(set(servers.inside(tour)["software"])))

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

# %% [markdown] lang="ko"
# ## 여러분이 클라이언트: 요청과 응답
# <small>Course map: S1.2</small>
#
# 모든 주고받기는 같은 형태입니다. 클라이언트는 **요청**(request)을 보냅니다. 요청에는 메서드(`GET`)와 경로(`/`)가
# 들어 있습니다. 서버는 **응답**(response)을 돌려보냅니다. 응답에는 **상태 코드**(`200 OK`, `404 Not Found` …),
# 응답을 설명하는 **헤더**(콘텐츠 종류, 길이, 서버의 날짜), 그리고 응답 내용 자체인 **본문**(body)이 들어 있습니다.
# 다음은 투어의 첫 번째 응답으로, 웹 서버가 보낸 것입니다.

# %%
first = servers.responses(tour)[0]
first

# %% [markdown]
# And here is every request of the tour, one line each. Look at the `answer` column: which lines are
# identical, and which change although the request is the same?

# %% [markdown] lang="ko"
# 그리고 다음은 투어의 모든 요청을 한 줄에 하나씩 보여 줍니다. `answer` 열을 살펴보세요. 어떤 줄들이 똑같고,
# 어떤 줄들이 요청이 같은데도 달라지나요?

# %%
servers.table(tour)

# %% [markdown]
# ## A web server answers static pages
# <small>Course map: S1.4</small>
#
# A **web server (웹 서버)** answers HTTP requests from browsers with **static** pages: files stored on the
# server (HTML, images, style sheets), sent exactly as they are. Asking twice gives the same bytes twice.
# We check that with a **fingerprint**, the SHA-256 hash of each body: equal hashes mean equal bytes.

# %% [markdown] lang="ko"
# ## 웹 서버는 정적 페이지로 응답합니다
# <small>Course map: S1.4</small>
#
# **웹 서버**(web server)는 브라우저가 보낸 HTTP 요청에 **정적**(static) 페이지로 응답합니다. 정적 페이지란 서버에
# 저장된 파일(HTML, 이미지, 스타일 시트)로, 저장된 그대로 전송됩니다. 두 번 요청하면 같은 바이트를 두 번 받습니다.
# 이것을 **지문**(fingerprint), 즉 각 본문의 SHA-256 해시로 확인합니다. 해시가 같으면 바이트도 같습니다.

# %%
for r in servers.responses(tour, "web"):
    print(f"{r.status} GET {r.path:<20} sha256 {r.body_sha256[:16]}…  {r.content_type}")

# %% tags=["keep_output", "nbval-check-output"]
facts = servers.facts(tour)
print(course.tr("Static page identical on two requests:"), facts["static page identical on two requests"])

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

# %% [markdown] lang="ko"
# ## WAS는 동적 결과를 계산합니다
# <small>Course map: S1.5</small>
#
# **웹 애플리케이션 서버**(WAS)는 **백엔드 애플리케이션**을 실행합니다. 기업에서는 보통 Java(예: Tomcat 위의 Spring)로,
# 또는 Python, PHP, Node.js로 작성합니다. 요청이 올 때마다 프로그램이 **실행**되어 응답을 계산합니다. 데이터베이스에서,
# 현재 시각에서, 클라이언트가 보낸 내용에서 값을 가져옵니다. 그래서 결과가 **동적**(dynamic)입니다.
#
# 우리의 WAS는 아주 작은 **CGI** 프로그램입니다. busybox `httpd`가 요청마다 새 프로세스로 실행하는 셸 스크립트입니다.
# Tomcat 같은 실제 애플리케이션 서버는 오래 실행되는 프로그램 하나를 띄워 두고 그 안에서 여러분의 코드를 호출하는데,
# 우리 WAS는 그런 서버를 대신하는 간단한 대역입니다. 이 프로그램은 요청 횟수를 세고, 쿼리 문자열 `?n=10`을 읽어
# 1 + 2 + … + n을 계산하고, 서버의 현재 시각을 초 단위까지 알려 주며, 응답한 프로세스의 ID(`pid`)를 보고합니다.

# %%
for r in servers.responses(tour, "app"):
    print(f"GET {r.path:<22} →", r.json())

# %%
print(servers.compare_prediction(predicted_same, tour))

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("Dynamic answer differs on two identical requests:"),
      facts["dynamic answer differs on two identical requests"])
print(course.tr("Request counter went up by one:"), facts["request counter went up by one"])
print(course.tr("WAS computed 1+2+…+100 = 5050:"), facts["WAS computed 1+2+…+100 = 5050"])

# %% [markdown]
# Real sites combine both: the web server hands out the static parts fast, and passes the dynamic requests
# (log in, search, pay) on to the WAS behind it.
#
# **Try it yourself.** `servers.ask(server, path)` starts one server, sends your request and removes the
# server. Change `n` and run the cell again (live mode; in replay mode only the recorded paths can be asked).

# %% [markdown] lang="ko"
# 실제 사이트는 둘을 함께 씁니다. 웹 서버가 정적인 부분을 빠르게 내보내고, 동적인 요청(로그인, 검색, 결제)은
# 그 뒤에 있는 WAS로 넘깁니다.
#
# **직접 해 보세요.** `servers.ask(server, path)`는 서버 하나를 시작해 여러분의 요청을 보낸 뒤 서버를 제거합니다.
# `n`을 바꿔서 셀을 다시 실행해 보세요. 라이브 모드(live mode)에서 동작하며, 리플레이 모드에서는 기록된 경로만 요청할 수 있습니다.

# %%
servers.ask("app", "/cgi-bin/app?n=10").json()

# %% [markdown]
# ## File servers, DBMS servers, and what a company runs
# <small>Course map: S1.3</small>
# <small>Figure counterpart: 실제기업에서운영하는서버.png</small>
#
# Servers are **classified by the software they run**:

# %% [markdown] lang="ko"
# ## 파일 서버, DBMS 서버, 그리고 기업이 운영하는 서버
# <small>Course map: S1.3</small>
# <small>Figure counterpart: 실제기업에서운영하는서버.png</small>
#
# 서버는 **실행하는 소프트웨어에 따라 분류**합니다.

# %%
servers.kinds_table()

# %% [markdown]
# - A **file server (파일 서버)** stores files and hands them out unchanged (company shares, NAS, FTP).
#   Ours lists its folder with each file's size and SHA-256, and we check that what we downloaded is
#   byte for byte what it stores.
# - A **DBMS server (DBMS 서버)** runs a database management system (MySQL, PostgreSQL, Oracle): it stores
#   records and answers queries. Ours is a tiny **key-value store** (a key, a value) kept in files; a real
#   DBMS adds a query language (SQL), indexes, transactions and its own network protocol instead of HTTP.

# %% [markdown] lang="ko"
# - **파일 서버**(file server)는 파일을 저장해 두었다가 바꾸지 않고 그대로 내줍니다(사내 공유 폴더, NAS, FTP).
#   우리 파일 서버는 폴더 목록을 각 파일의 크기, SHA-256과 함께 보여 주며, 우리는 내려받은 파일이 서버에 저장된 것과
#   한 바이트도 다르지 않은지 확인합니다.
# - **DBMS 서버**(DBMS server)는 데이터베이스 관리 시스템(MySQL, PostgreSQL, Oracle)을 실행하며, 레코드를 저장하고
#   질의(query)에 응답합니다. 우리 DBMS 서버는 아주 작은 **키-값 저장소**(key-value store)로, 키 하나에 값 하나를 파일에
#   보관합니다. 실제 DBMS는 여기에 질의 언어(SQL), 인덱스, 트랜잭션을 더하고, HTTP 대신 자체 네트워크 프로토콜을 씁니다.

# %%
for r in servers.responses(tour, "file") + servers.responses(tour, "db"):
    shown = (course.tr("<binary file, sha256 {digest}…>").format(digest=r.body_sha256[:16]) if r.path.endswith(".bin")
             else " ".join(r.body.split())[:80])
    print(f"{r.server:>4} {r.status} GET {r.path:<52} {shown}")

# %% tags=["keep_output", "nbval-check-output"]
print(course.tr("downloaded files match the server's SHA-256:"), facts["downloaded files match the server's SHA-256"])
print(course.tr("database returns what was stored:"), facts["database returns what was stored"])
print(course.tr("database answers 404 for a missing key:"), facts["database answers 404 for a missing key"])

# %% [markdown]
# A real company runs these roles together. A browser's request reaches the web server; dynamic work goes
# to the WAS; the WAS asks the DBMS for data and the file server for documents. The figure shows the
# chain, with the median answer time each of our four servers gave in the tour (small here: every server
# sits on this one machine, and a busybox program is small).

# %% [markdown] lang="ko"
# 실제 기업은 이런 역할들을 함께 운영합니다. 브라우저의 요청은 웹 서버에 도착하고, 동적인 작업은 WAS로 넘어가며,
# WAS는 DBMS에 데이터를, 파일 서버에 문서를 요청합니다. 그림은 이 연결 고리를 보여 주고, 투어에서 네 서버가 각각
# 응답하는 데 걸린 시간의 중앙값(median)을 함께 표시합니다(여기서는 값이 작습니다. 모든 서버가 이 한 대의 컴퓨터 안에
# 있고, busybox 프로그램도 작기 때문입니다).

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

# %% [markdown] lang="ko"
# ## 서버를 운영하는 세 가지 방식
# <small>Course map: S1.6</small>
# <small>Figure counterpart: 서버운영법.png</small>
#
# 기업에는 많은 서버 프로그램이 필요합니다. 이 프로그램들을 어떻게 실행할까요?
# - **베어메탈**(bare metal): 컴퓨터를 한 대 사서 운영체제를 하나 설치하고, 그 위에서 프로그램들을 실행합니다. 간단하지만
#   기업이 운영하기에는 비효율적입니다. 한 프로그램이 죽거나 메모리를 지나치게 차지하면 나머지 프로그램이 모두 영향을 받기
#   때문에, 실제로는 서비스마다 컴퓨터를 따로 두게 되고, 대부분의 컴퓨터는 거의 놀고 있게 됩니다.
# - **하이퍼바이저**(hypervisor): 물리 컴퓨터 한 대에서 여러 **가상 머신**(virtual machine, VM)을 실행하며, 각 가상 머신은
#   자기만의 게스트 운영체제를 통째로 가집니다. 격리(isolation)는 강력하지만, VM마다 따로 부팅하고 자기 커널(kernel)을 실행해야 합니다.
# - **컨테이너**(container): 호스트의 커널을 공유하는 격리된 프로세스입니다. 가볍고 시작이 빠릅니다.
#
# 방금 사용한 서버 네 개는 **컨테이너**였습니다. 파일, 프로세스 목록, 제한이 서로 분리된 서버 네 개가 한 컴퓨터에서
# 모두 몇 초 안에 시작되었습니다. 왜 그런지는 이 과정의 2부와 3부에서 측정합니다.

# %%
server_plots.operating_models();

# %% [markdown]
# Click through the layers yourself: pick a stack, then click a layer to see what it does.

# %% [markdown] lang="ko"
# 여러분이 직접 계층을 눌러 보세요. 스택(stack)을 하나 고른 다음 계층(layer)을 클릭하면 그 계층이 하는 일을 볼 수 있습니다.

# %%
from vlab.widgets.stack import StackView

StackView("bare metal")

# %% [markdown]
# ## Exercise 1: what changed between two identical requests?
# <small>Course map: S1.5</small>
#
# The tour asked the WAS for `/cgi-bin/app?n=10` twice. Take the two JSON answers (`r.json()` gives a dict) and
# compute the list of **keys whose values differ** between them.

# %% [markdown] lang="ko"
# ## 연습 문제 1: 똑같은 두 요청 사이에 무엇이 바뀌었을까?
# <small>Course map: S1.5</small>
#
# 투어는 WAS에 `/cgi-bin/app?n=10`을 두 번 요청했습니다. 두 JSON 응답을 가져와서(`r.json()`은 dict를 돌려줍니다)
# 둘 사이에 **값이 다른 키**의 목록을 계산하세요.

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

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# 한쪽 dict의 키를 하나씩 돌면서 비교하세요: `[k for k in first if first[k] != second[k]]`.
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

# %% [markdown] lang="ko"
# ## 연습 문제 2: 정적 페이지의 지문을 직접 구하기
# <small>Course map: S1.4</small>
#
# Python의 `hashlib`로, **웹** 서버가 경로 `/`에 대해 보낸 각 응답 본문의 SHA-256 지문(16진수 문자열)을 계산하세요.
# 결과는 응답마다 해시를 하나씩, 투어의 순서대로 담은 리스트입니다.

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

# %% [markdown] lang="ko"
# <details><summary>힌트</summary>
#
# `hashlib.sha256`은 바이트를 받습니다. `r.body.encode()`는 본문 텍스트를 바이트로 바꾸고, `.hexdigest()`는 16진수 문자열을 돌려줍니다.
# </details>

# %% tags=["solution"] jupyter={"source_hidden": true}
# %%solution
hashes = [hashlib.sha256(r.body.encode()).hexdigest() for r in web_root]
servers.check_page_hashes(hashes, tour)

# %% [markdown]
# And a check on **your own data**: every claim of this notebook holds for the responses above.

# %% [markdown] lang="ko"
# 마지막으로 **여러분 자신의 데이터**로 확인합니다. 이 노트북의 모든 주장이 위의 응답에서 성립합니다.

# %% tags=["keep_output", "nbval-check-output"]
assert all(facts.values()), {k: v for k, v in facts.items() if not v}
print(course.tr("All {n} claims hold on these responses.").format(n=len(facts)))

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

# %% [markdown] lang="ko"
# ## 핵심 정리
# - **서버**(server)는 하드웨어와 그 위에서 실행 중인 소프트웨어를 합친 것이며, **클라이언트**(client)에게 결과를 **제공**(serve)합니다.
# - 모든 HTTP 주고받기는 요청(메서드, 경로)과 응답(상태 코드, 헤더, 본문)으로 이루어집니다.
# - **웹 서버**(web server)는 **정적** 페이지를 보냅니다. 매번 같은 바이트입니다.
# - **웹 애플리케이션 서버**(WAS)는 요청마다 프로그램을 실행하므로 응답이 **동적**입니다.
# - **파일 서버**(file server)는 저장된 파일을 내주고, **DBMS 서버**(DBMS server)는 데이터를 저장하고 질의에 응답합니다.
# - 서버는 **베어메탈**(bare metal)에서, **하이퍼바이저**(hypervisor)로, 또는 **컨테이너**(container) 안에서 운영합니다.
#   여기서 사용한 서버 네 개는 컨테이너였습니다.
#
# **다음:** [02 · 데브옵스와 코드형 인프라](02_devops_iac.ipynb) · [용어집 · Glossary](99_glossary.ipynb)
