"""`cnncalc serve` attacked: a real server process is sent what an attacker would send, and
must answer every client mistake with a 4xx and one short JSON message, in bounded time,
without reading or writing a file the request names. Each case here broke the server once
(a 500, a traceback, minutes of work); the fix is named in each test's docstring."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cnncalc.cli import app
from tests.webserver import Server, serving

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

HUGE_SEED = "random:hard:" + "9" * 5000  # past Python's 4,300-digit limit for int()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


def refused(reply: tuple[int, str, dict[str, str]], status: int = 400) -> str:
    """The error message of a refusal: the status, JSON with one 'error', no traceback."""
    code, body, headers = reply
    assert code == status, reply
    assert headers["content-type"] == "application/json"
    data = json.loads(body)
    assert list(data) == ["error"] and "Traceback" not in data["error"]
    return data["error"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/exercise?spec={HUGE_SEED}", None),
        ("POST", f"/api/check?spec={HUGE_SEED}", b"layers: []"),
        ("POST", f"/api/class?spec={HUGE_SEED}", b'{"files": [{"name": "a", "text": ""}]}'),
    ],
)
def test_a_seed_too_long_for_int_is_refused(
    server: Server, method: str, path: str, body: bytes | None
) -> None:
    """int() refuses more than 4,300 digits: such a seed was a 500 (found here, fixed on main
    at the same time); the name is shown cut short."""
    message = refused(server.request(method, path, body))
    assert message.endswith("a seed has at most 30 digits, this one 5,000")
    assert len(message) < 200  # the 5,012-character name is shown cut short


def test_a_thirty_digit_seed_is_still_a_network(server: Server) -> None:
    seed = "9" * 30  # 10³⁰ − 1: the longest seed allowed, 30 digits
    worksheet = server.json("GET", f"/api/exercise?spec=random:easy:{seed}")
    assert worksheet["exercise"] == f"random:easy:{seed}"


def test_the_cli_refuses_the_seed_with_the_same_message() -> None:
    result = CliRunner().invoke(app, ["analyze", HUGE_SEED])
    assert result.exit_code == 2
    assert result.stderr.endswith("a seed has at most 30 digits, this one 5,000\n")


def test_a_concatenation_of_many_inputs_takes_linear_time(server: Server) -> None:
    """Concatenate rebuilt its list of sizes once per input (quadratic): 60,000 inputs took
    about 5 minutes; now well under a second of work."""
    inputs = 60_000
    spec = {
        "input_shape": [4],
        "layers": [
            {"type": "ReLU", "name": "r"},
            {"type": "Concatenate", "inputs": ["r"] * inputs},
        ],
    }
    start = time.monotonic()
    analysis = server.json("POST", "/api/analyze", json.dumps(spec))
    assert time.monotonic() - start < 30
    # 60,000 copies of (4,) joined on the last axis: 60,000 · 4 = 240,000
    assert analysis["layers"][-1]["output_shape"] == [None, 240_000]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/api/exercise?spec=mnist&spec=vgg16", "query parameter 'spec' is given twice"),
        ("/api/analyze?explain=true&explain=false", "query parameter 'explain' is given twice"),
        ("/api/presets?format=csv", "unknown query parameter 'format'; known: none"),
        ("/api/presets/mnist?format=yaml", "unknown query parameter 'format'; known: none"),
        ("/api/schema?version=2", "unknown query parameter 'version'; known: none"),
        ("/api/import?partial=true", "unknown query parameter 'partial'; known: none"),
    ],
)
def test_a_query_option_is_never_silently_dropped(server: Server, path: str, says: str) -> None:
    """A second value for an option replaced the first, and the endpoints without options
    ignored any: the page or script that sent them got an answer to another question."""
    method = "POST" if path.startswith(("/api/analyze", "/api/import")) else "GET"
    body = b'{"input_shape": [4], "layers": []}' if method == "POST" else None
    assert refused(server.request(method, path, body)).startswith(says)


# Whatever the query, every endpoint answers or refuses in a few words: never a 500.

ENDPOINTS = [
    ("GET", "/api/exercise", None),
    ("GET", "/api/presets", None),
    ("GET", "/api/presets/mnist", None),
    ("GET", "/api/schema", None),
    ("POST", "/api/analyze", b'{"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}'),
    ("POST", "/api/diagram", b'{"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}'),
    ("POST", "/api/check", b"exercise: mnist\nlayers: []\n"),
    ("POST", "/api/class", b'{"files": [{"name": "a.yaml", "text": "exercise: mnist"}]}'),
    ("POST", "/api/compare", b'{"spec": "mnist", "summary": ""}'),
]
KNOWN_KEYS = "spec fields name format reveal explain batch_size dtype style optimizer partial"
KEYS = st.sampled_from([*KNOWN_KEYS.split(), "model", "costs", "expand_nested"]) | st.text(
    max_size=6
)
ODD_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\x00", "\u202e", "\n", "/", ".", ":"]),
    max_size=12,
)
VALUES = (
    ODD_TEXT
    | st.sampled_from(["random:", "random:hard:", "/etc/passwd", "mnist", "true", "table"]).flatmap(
        lambda start: ODD_TEXT.map(lambda end: start + end)
    )
    | st.integers(-(10**40), 10**40).map(str)
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(ENDPOINTS),
    st.lists(st.tuples(KEYS, VALUES), max_size=4),
)
def test_any_query_gets_an_answer_or_a_short_message(
    server: Server, endpoint: tuple[str, str, bytes | None], query: list[tuple[str, str]]
) -> None:
    method, path, body = endpoint
    code, text, headers = server.request(method, f"{path}?{urllib.parse.urlencode(query)}", body)
    assert code in (200, 400, 422), (code, text)
    if code != 200:
        assert len(refused((code, text, headers), code)) < 400


def keras_archive(relu_layers: int) -> tuple[bytes, int]:
    """A .keras-like zip whose config.json is a Sequential model of identical ReLU layers
    (they compress about 300:1), and that config's size."""
    import io
    import zipfile

    entry = json.dumps({"class_name": "ReLU", "config": {}})
    first = json.dumps({"class_name": "InputLayer", "config": {"batch_shape": [None, 4]}})
    config = (
        '{"class_name": "Sequential", "config": {"layers": ['
        + first
        + f", {entry}" * relu_layers
        + "]}}"
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.writestr("config.json", config)
    return archive.getvalue(), len(config)


@pytest.mark.parametrize(("path", "where"), [("/api/analyze", "spec"), ("/api/import", "model")])
def test_an_archive_inflating_past_4_mb_is_refused(server: Server, path: str, where: str) -> None:
    """The files' limit (256 MB) applied to uploads: a 221 KB archive of 2,000,000 layers was
    analyzed (minutes, gigabytes); here 120,000 of them, 4.5 MB inflated from 13 KB."""
    raw, inflated = keras_archive(120_000)
    assert len(raw) < 20_000 and inflated > 4 * 2**20
    start = time.monotonic()
    message = refused(server.request("POST", path, raw))
    assert time.monotonic() - start < 5
    assert message == (
        f"{where}: config.json declares {inflated:,} bytes, over cnncalc's limit of 4 MB"
    )


def test_an_archive_under_the_limit_is_analyzed(server: Server) -> None:
    raw, _ = keras_archive(3)
    analysis = server.json("POST", "/api/analyze", raw)
    assert [layer["output_shape"] for layer in analysis["layers"]] == [[None, 4]] * 3


def diamonds(count: int) -> list[dict[str, object]]:
    """a_i = a_{i-1} + relu(a_{i-1}): a chain of residual blocks, 2·count layers."""
    layers: list[dict[str, object]] = [{"type": "ReLU", "name": "a0"}]
    for i in range(1, count + 1):
        layers.append({"type": "ReLU", "name": f"b{i}", "inputs": [f"a{i - 1}"]})
        layers.append({"type": "Add", "name": f"a{i}", "inputs": [f"a{i - 1}", f"b{i}"]})
    return layers


@pytest.mark.parametrize(
    ("layers", "edges"),
    [
        # one ReLU read 20,000 times by one Add: 1 + 20,000 edges (the input → r edge too)
        ([{"type": "ReLU", "name": "r"}, {"type": "Add", "inputs": ["r"] * 20_000}], 20_001),
        # 5,000 blocks: input → a0, then 3 edges a block (a → b, a → a', b → a')
        (diamonds(5_000), 1 + 3 * 5_000),
    ],
    ids=["an Add of 20,000 inputs", "10,000 layers of residual blocks"],
)
def test_a_large_graph_is_drawn_in_bounded_time(
    server: Server, layers: list[dict[str, object]], edges: int
) -> None:
    """grandalf's Sugiyama layout is quadratic in places: these took minutes (a client gave
    up, the server kept a core busy); past 2,500 layers and edges a level is drawn in ranks."""
    body = json.dumps({"input_shape": [4], "layers": layers})
    start = time.monotonic()
    status, svg, headers = server.request("POST", "/api/diagram", body)
    assert time.monotonic() - start < 30
    assert (status, headers["content-type"]) == (200, "image/svg+xml")
    assert svg.count('<path class="edge"') == edges


def test_plain_ranks_are_placed_as_worked_by_hand() -> None:
    """The drawing past the limit: input → c; c → a, c → b; a, b, c → s."""
    from cnncalc.render.graph import COLUMN_GAP, RANK_GAP, ranked

    assert (COLUMN_GAP, RANK_GAP) == (22.0, 26.0)
    sizes = {"input": (100.0, 30.0), "c": (40.0, 44.0), "a": (60.0, 30.0), "b": (80.0, 30.0)}
    sizes["s"] = (50.0, 30.0)
    edges = [("input", "c"), ("c", "a"), ("c", "b"), ("a", "s"), ("b", "s"), ("c", "s")]
    layout = ranked(sizes, edges)
    # ranks: input 0, c 1, a and b 2, s 3 (one below b, its deepest input)
    # widest rank: a, b: 60 + 22 + 80 = 162; a centred at 30, b at 60 + 22 + 40 = 122
    # others centred on 81; tops 0, 30 + 26 = 56, 56 + 44 + 26 = 126, 126 + 30 + 26 = 182
    centres = {name: box.xy for name, box in layout.boxes.items()}
    assert centres == {
        "input": (81.0, 15.0),
        "c": (81.0, 78.0),
        "a": (30.0, 141.0),
        "b": (122.0, 141.0),
        "s": (81.0, 197.0),
    }
    assert (layout.width, layout.height) == (162.0, 212.0)
    assert [(a, b, points) for a, b, points in layout.routes] == [
        (a, b, [centres[a], centres[b]]) for a, b in edges
    ]


def raw_exchange(server: Server, request: bytes) -> bytes:
    """Send bytes as they are (no client fixes them up) and read the reply until the server
    closes (the requests say 'Connection: close') or invites a body ('100 Continue')."""
    import socket

    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
            if reply.startswith(b"HTTP/1.1 100"):
                break
        return reply


def test_a_client_waiting_to_send_too_much_gets_the_413_at_once(server: Server) -> None:
    """curl sends 'Expect: 100-continue' before a body over 1 MB. Draining the body made
    uvicorn answer '100 Continue', inviting the whole upload; now the 413 comes first."""
    reply = raw_exchange(
        server,
        b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000000\r\n"
        b"Expect: 100-continue\r\nConnection: close\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:40]
    assert b'{"error":"the request body is over 1,000,000 bytes"}' in reply


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 400),
        ("localhost.evil.example", 400),
        ("127.0.0.2", 400),  # loopback too, but a name a rebinding page could point there
        ("evil.example:8000", 400),
        ("LOCALHOST:8000", 200),
        ("[::1]:8000", 200),
        ("127.0.0.1", 200),
    ],
)
def test_only_loopback_names_are_served_and_a_refusal_says_why(
    server: Server, host: str, status: int
) -> None:
    """Starlette's guard answered a foreign Host with plain text ('Invalid host header')."""
    reply = raw_exchange(
        server, f"GET /api/presets HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    if status == 400:
        assert json.loads(body) == {
            "error": f"Host '{host}' is not this computer; "
            "this server answers only to 127.0.0.1, ::1, [::1], localhost"
        }


@pytest.mark.parametrize("branches", [False, True], ids=["layers style", "graph style"])
def test_a_diagram_stays_readable_xml_whatever_the_names(server: Server, branches: bool) -> None:
    """ESC, NUL or U+FFFE in a name went into the SVG as itself: no XML document may hold
    them, so the browser showed no image at all. They are shown as escapes."""
    import xml.etree.ElementTree as ElementTree

    names = ["esc\x1b[2J", "nul\x00", "nonchar\ufffe"]
    layers = [{"type": "Dense", "units": 2, "name": name} for name in names]
    if branches:
        layers.append({"type": "Add", "inputs": names[:2]})
    body = json.dumps({"name": "m\x0b", "input_shape": [4], "layers": layers})
    status, svg, _ = server.request("POST", "/api/diagram?costs=true", body)
    assert status == 200
    texts = "".join(ElementTree.fromstring(svg).itertext())  # raises if not well-formed
    for shown in ["esc\\x1b[2J", "nul\\x00", "nonchar\\ufffe", "m\\x0b"]:
        assert shown in texts


def test_a_class_request_holds_at_most_1000_files(server: Server) -> None:
    """1 MB of tiny sheets, each naming another random network, took over 3 minutes to grade
    (12,000 networks built); a class request now holds at most 1,000 files."""
    sheets = [{"name": f"{i}.yaml", "text": f"exercise: random:easy:{i}"} for i in range(1_001)]
    message = refused(server.request("POST", "/api/class", json.dumps({"files": sheets})))
    assert message == (
        "body: 1,001 files; the server grades at most 1,000 at a time (cnncalc check has no limit)"
    )
    status, text, _ = server.request(
        "POST", "/api/class?format=csv", json.dumps({"files": [{"name": "a", "text": ""}] * 1_000})
    )
    assert status == 200 and len(text.splitlines()) == 1 + 1_000  # the header, a row a file


def multipart(names: list[str], boundary: str, texts: list[bytes]) -> bytes:
    """A form upload as a browser would send it, with any field and file names."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode("utf-8", "surrogatepass")
        + text
        + b"\r\n"
        for name, text in zip(names, texts)
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode("utf-8", "surrogatepass")


BODIES = (
    st.binary(max_size=2000)
    | ODD_TEXT.map(lambda text: text.encode("utf-8"))
    | st.builds(
        multipart,
        st.lists(ODD_TEXT, min_size=1, max_size=3),
        ODD_TEXT,
        st.lists(st.binary(max_size=50) | st.just(b"exercise: mnist\nlayers: []"), max_size=3),
    )
)
CONTENT_TYPES = st.sampled_from(
    [
        "",
        "application/json",
        "application/yaml",
        "multipart/form-data; boundary=x",
        "text/html",
        "application/x-www-form-urlencoded",
        "image/svg+xml; charset=utf-16",
        "\u00e9",
    ]
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([path for method, path, _ in ENDPOINTS if method == "POST"] + ["/api/import"]),
    BODIES,
    CONTENT_TYPES,
)
def test_any_body_gets_an_answer_or_a_short_message(
    server: Server, path: str, body: bytes, content_type: str
) -> None:
    code, text, headers = server.request("POST", path, body, content_type)
    assert code in (200, 400, 422), (code, text)
    if code != 200:
        assert len(refused((code, text, headers), code)) < 400


SECRET_SPEC = '{"input_shape": [4], "layers": [{"type": "Dense", "units": 3, "name": "secret"}]}'


@pytest.fixture(scope="module")
def server_beside_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server started in a folder that holds files named like a preset and a random
    exercise (a teacher's working folder can hold anything)."""
    folder = tmp_path_factory.mktemp("working-folder")
    for name in ("mnist", "random:easy:1"):
        (folder / name).write_text(SECRET_SPEC, encoding="utf-8")
    with serving(cwd=folder) as running:
        yield running


def test_the_spec_option_never_reads_the_servers_folder(server_beside_files: Server) -> None:
    """?spec=mnist went to the grader as the name, and the grader (as `check --spec`) reads a
    file of that name in its working folder first: the server graded against it."""
    from tests.test_web_api import answer_sheet

    sheet = answer_sheet().replace("exercise: mnist\n", "")
    status, body, _ = server_beside_files.request("POST", "/api/check?spec=mnist&reveal=1", sheet)
    assert status == 200 and "secret" not in body
    report = json.loads(body)
    assert (report["score"], report["max_score"]) == (15, 15)  # MNIST's answers, by hand
    other = "exercise: vgg16\nlayers: []\n"
    reply = server_beside_files.request("POST", "/api/check?spec=mnist", other)
    assert json.loads(reply[1])["error"] == (
        "answers.yaml: the sheet is the exercise 'vgg16' but --spec is 'mnist': different "
        "networks (leave out --spec to grade the sheet's own)"
    )


def test_a_sheets_random_exercise_never_reads_the_servers_folder(
    server_beside_files: Server,
) -> None:
    sheet = "exercise: random:easy:1\nlayers: []\n"
    status, body, _ = server_beside_files.request("POST", "/api/check?reveal=1", sheet)
    assert status == 200 and "secret" not in body
