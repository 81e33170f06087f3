"""`cnncalc serve`'s API against a real server process: the CLI's JSON, the CLI's messages,
and a server that keeps answering whatever it is sent."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cnncalc.cli import app
from tests.webserver import ROOT, Server, serving

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

runner = CliRunner()
TOO_BIG = {
    "input_shape": [5, 5, 1],
    "layers": [{"type": "Conv2D", "name": "k", "filters": 1, "kernel_size": 9}],
}
TINY = b'{"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}'
YAML_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    + ["layers: *i"]
)  # 10⁹ values once expanded

# The MNIST exercise answered by hand: 28−3+1 = 26; ⌊26/2⌋ = 13; 13−3+1 = 11; ⌊11/2⌋ = 5;
# 5·5·64 = 1600; params (3·3·1+1)·32 = 320, (3·3·32+1)·64 = 18,496, (1600+1)·10 = 16,010.
MNIST_ANSWERS = {
    "conv2d": ("26x26x32", "320"),
    "max_pooling2d": ("13x13x32", "0"),
    "conv2d_1": ("11x11x64", "18,496"),
    "max_pooling2d_1": ("5x5x64", "0"),
    "flatten": ("1600", "0"),
    "dropout": ("1600", "0"),
    "dense": ("10", "16,010"),
}


def answer_sheet(exercise: str = "mnist", **wrong: str) -> str:
    """A filled-in MNIST worksheet (YAML); wrong={'conv2d': '288'} changes a params answer."""
    lines = [f"exercise: {exercise}", "layers:"]
    for name, (shape, params) in MNIST_ANSWERS.items():
        lines.append(
            f"  - {{name: {name}, output_shape: {shape}, params: '{wrong.get(name, params)}'}}"
        )
    total = (
        320
        + 18_496
        + 16_010
        + sum(int(v) - int(MNIST_ANSWERS[k][1].replace(",", "")) for k, v in wrong.items())
    )
    return "\n".join([*lines, f"total_params: {total}"])


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout.rstrip("\n"), result.stderr


@pytest.mark.parametrize(
    ("spec_text", "content_type", "explain"),
    [
        ((ROOT / "cnncalc/presets/mnist.json").read_text(), "application/json", False),
        ((ROOT / "cnncalc/presets/vgg16.json").read_text(), "application/json", True),
        (
            "input_shape: [32, 32, 3]\nlayers:\n  - {type: Conv2D, filters: 8, kernel_size: 5}\n"
            "  - {type: Flatten}\n",
            "application/yaml",
            True,
        ),
    ],
)
def test_analyze_answers_exactly_the_cli_json(
    server: Server, tmp_path: Path, spec_text: str, content_type: str, explain: bool
) -> None:
    path = tmp_path / "spec.txt"
    path.write_text(spec_text, encoding="utf-8")
    status, body, headers = server.request(
        "POST", f"/api/analyze?explain={str(explain).lower()}", spec_text, content_type
    )
    expected = cli("analyze", str(path), "--format", "json", *(["--explain"] if explain else []))
    assert (status, headers["content-type"]) == (200, "application/json")
    assert body == expected[1]


@pytest.mark.parametrize(
    "options",
    [
        {"costs": "true", "batch_size": "32", "optimizer": "adam"},
        {"dtype": "mixed_float16", "batch_size": "8", "explain": "1"},
        {"optimizer": "sgd", "dtype": "float64"},
        {"expand_nested": "true", "batch_size": "4"},
    ],
)
def test_cost_options_pass_straight_to_the_cli_options(
    server: Server, options: dict[str, str]
) -> None:
    spec = ROOT / "cnncalc/presets/resnet50.json"
    query = "&".join(f"{key}={value}" for key, value in options.items())
    flags = {"true": [], "1": []}
    arguments = [
        f"--{key.replace('_', '-')}" if value in flags else f"--{key.replace('_', '-')}={value}"
        for key, value in options.items()
    ]
    status, body, _ = server.request("POST", f"/api/analyze?{query}", spec.read_bytes())
    assert (status, body) == (200, cli("analyze", str(spec), "--format", "json", *arguments)[1])


@pytest.mark.parametrize("query", ["", "?style=graph", "?costs=true"])
def test_the_diagram_is_the_clis_drawing(server: Server, query: str) -> None:
    spec = ROOT / "cnncalc/presets/mnist.json"
    status, body, headers = server.request("POST", f"/api/diagram{query}", spec.read_bytes())
    flags = {"": [], "?style=graph": ["--style", "graph"], "?costs=true": ["--costs"]}[query]
    assert (status, headers["content-type"]) == (200, "image/svg+xml")
    assert body == cli("draw", str(spec), *flags)[1]


def test_vgg16_has_its_published_parameter_count(server: Server) -> None:
    # keras.io/api/applications: VGG16 has 138.4M parameters; its summary prints 138,357,544.
    spec = (ROOT / "cnncalc/presets/vgg16.json").read_bytes()
    assert server.json("POST", "/api/analyze", spec)["total_params"] == 138_357_544


def cli_error(spec: dict | str, tmp_path: Path) -> str:
    path = tmp_path / "bad.json"
    path.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    _, _, stderr = cli("analyze", str(path))
    return "\n".join(line.removeprefix("error: ") for line in stderr.splitlines())


@pytest.mark.parametrize(
    ("spec", "status"),
    [
        (TOO_BIG, 422),  # impossible network: the CLI's exit code 1
        ({"input_shape": [8, 8, 1], "layers": [{"type": "Conv2X", "filters": 2}]}, 400),
        ({"input_shape": [8, 8, 1], "layers": [{"type": "Dense"}, {"type": "Conv2D"}]}, 400),
    ],
)
def test_errors_are_the_cli_messages(
    server: Server, tmp_path: Path, spec: dict, status: int
) -> None:
    reply = server.request("POST", "/api/analyze", json.dumps(spec), "application/json")
    assert reply[0] == status
    assert json.loads(reply[1]) == {"error": cli_error(spec, tmp_path)}


def test_the_impossible_layer_is_named_with_its_working(server: Server) -> None:
    status, body, _ = server.request("POST", "/api/analyze", json.dumps(TOO_BIG))
    # ⌊(5 + 2·0 − 9)/1⌋ + 1 = −3: a 9×9 kernel does not fit a 5×5 input
    assert status == 422
    message = json.loads(body)["error"]
    assert message.startswith("layer 0 'k' (Conv2D): ") and "= −3" in message


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/api/analyze", b"", 400, "spec: is empty"),
        ("POST", "/api/analyze", b'{"layers": [', 400, "spec: invalid JSON at line 1"),
        ("POST", "/api/analyze", b"\x00\x9f\x92\x96" * 1000, 400, "binary"),
        ("POST", "/api/analyze", bytes(range(128, 256)) * 10, 400, "not UTF-8"),
        ("POST", "/api/analyze", YAML_BOMB.encode(), 400, "expands to more than 1,000,000"),
        ("POST", "/api/analyze", b"[" * 100_000, 400, "nested too deeply"),
        ("POST", "/api/analyze?explain=maybe", b"{}", 400, "explain='maybe': give true"),
        ("POST", "/api/analyze?colour=red", b"{}", 400, "unknown query parameter 'colour'"),
        ("POST", "/api/diagram?style=boxes", TINY, 400, "style='boxes': choose from"),
        ("POST", "/api/diagram", json.dumps(TOO_BIG).encode(), 422, "a 9×9 kernel"),
        ("POST", "/api/analyze?dtype=float33", TINY, 400, "--dtype: 'float33' is not a Keras"),
        ("POST", "/api/analyze?batch_size=0", b"{}", 400, "batch_size='0': give a whole"),
        ("POST", "/api/analyze?optimizer=adamm", TINY, 400, "did you mean 'adam'"),
        ("GET", "/api/analyze", None, 405, "method not allowed"),
        ("GET", "/api/nothing", None, 404, "no such page"),
        ("GET", "/api/presets/mnits", None, 400, "did you mean 'mnist'"),
        (
            "GET",
            "/api/exercise?spec=/etc/passwd",
            None,
            400,
            "/etc/passwd: the server reads no files",
        ),
        ("POST", "/api/check?format=pdf", b"x: 1", 400, "format='pdf': choose from"),
        ("GET", "/api/exercise?fields=params,flops", None, 400, "--fields: unknown flops"),
        ("POST", "/api/check?reveal=%C2%B2", b"x: 1", 400, "reveal='²': give true or false"),
        ("POST", "/api/class", b'{"files": []}', 400, 'send {"files"'),
        ("POST", "/api/compare", b'{"spec": "mnist"}', 400, 'send {"spec"'),
        ("POST", "/api/import", b"PK\x03\x04garbage", 400, "model"),
    ],
)
def test_bad_requests_get_a_4xx_and_a_message(
    server: Server, method: str, path: str, body: bytes | None, status: int, says: str
) -> None:
    reply = server.request(method, path, body)
    assert reply[0] == status, reply
    assert says in json.loads(reply[1])["error"]
    assert "Traceback" not in reply[1]


def test_bodies_over_a_megabyte_are_refused_and_the_server_goes_on(server: Server) -> None:
    ten_megabytes = b"{" + b" " * 10_000_000 + b"}"
    status, body, _ = server.request("POST", "/api/analyze", ten_megabytes)
    assert status == 413 and "over 1,000,000 bytes" in json.loads(body)["error"]
    just_under = TINY + b" " * (1_000_000 - len(TINY))
    assert server.json("POST", "/api/analyze", just_under)["total_params"] == 4 * 2 + 2


def test_streamed_bodies_are_cut_off_too(server: Server) -> None:
    """Without a Content-Length (chunked upload) the limit is counted as the bytes arrive."""
    chunks = iter([b"{"] + [b" " * 100_000] * 100)  # 10 MB, still arriving after the 413
    import urllib.request

    request = urllib.request.Request(server.url + "/api/analyze", data=chunks, method="POST")
    request.add_header("Transfer-Encoding", "chunked")
    try:
        urllib.request.urlopen(request, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 413


def test_fifty_concurrent_requests_all_get_their_answer(server: Server) -> None:
    resnet = (ROOT / "cnncalc/presets/resnet50.json").read_bytes()
    requests = [
        ("POST", "/api/analyze", resnet, 200),
        ("POST", "/api/analyze", YAML_BOMB.encode(), 400),
        ("POST", "/api/analyze", json.dumps(TOO_BIG).encode(), 422),
        ("POST", "/api/analyze", os.urandom(200_000), 400),
        ("GET", "/api/presets", None, 200),
    ] * 10
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda r: server.request(*r[:3])[0], requests))
    assert statuses == [r[3] for r in requests]
    assert server.json("GET", "/api/presets/mnist")["name"] == "mnist"


def test_presets_schema_and_exercise_are_the_cli_output(server: Server) -> None:
    for path, command in [
        ("/api/presets", ["presets", "--format", "json"]),
        ("/api/schema", ["schema"]),
        ("/api/exercise?spec=mnist", ["exercise", "mnist", "--format", "json"]),
        (
            "/api/exercise?spec=vgg16&fields=output_shape,macs,receptive_field",
            ["exercise", "vgg16", "--fields", "output_shape,macs,receptive_field", "-f", "json"],
        ),
        (
            "/api/exercise?spec=random:hard:7",
            ["exercise", "--random", "--seed", "7", "--difficulty", "hard", "--format", "json"],
        ),
    ]:
        status, body, _ = server.request("GET", path)
        assert (status, body) == (200, cli(*command)[1]), path


def test_a_preset_spec_analyzes_like_the_preset(server: Server) -> None:
    spec_text = server.request("GET", "/api/presets/VGG16")[1]
    assert server.json("POST", "/api/analyze", spec_text)["total_params"] == 138_357_544


def test_check_is_the_cli_report_with_the_mistake_named(server: Server, tmp_path: Path) -> None:
    sheet = answer_sheet(conv2d="288")  # 3·3·1·32 = 288: the bias forgotten
    path = tmp_path / "alice.yaml"
    path.write_text(sheet, encoding="utf-8")
    status, body, _ = server.request("POST", "/api/check?name=alice.yaml", sheet)
    report = json.loads(body)
    assert status == 200
    assert report == {
        **json.loads(cli("check", str(path), "--format", "json")[1]),
        "file": "alice.yaml",
    }
    conv = next(i for i in report["items"] if (i["layer"], i["field"]) == ("conv2d", "params"))
    assert (conv["status"], conv["mistake"]) == ("wrong", "missing_bias")
    assert "(3·3·1 + 1)·32" in conv["hint"]
    # 7 layers × 2 items + the total; the total follows from the student's own 288
    assert (report["score"], report["max_score"]) == (14, 15)


def test_a_sheet_cannot_make_the_server_read_its_files(server: Server, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text((ROOT / "cnncalc/presets/mnist.json").read_text(), encoding="utf-8")
    sheet = answer_sheet(exercise=str(secret))
    report = json.loads(server.request("POST", "/api/check?name=a.yaml", sheet)[1])
    assert report["file"] == "a.yaml"
    assert report["error"].startswith(f"a.yaml: the exercise '{secret}' names a file outside")


def test_a_class_gets_a_gradebook(server: Server) -> None:
    files = [
        {"name": "alice.yaml", "text": answer_sheet()},
        {"name": "bob.yaml", "text": answer_sheet(conv2d="288")},
        {"name": "../../carol.yaml", "text": "\x00garbage"},
        {"name": "dave.yaml", "text": answer_sheet().replace("exercise: mnist", "")},
    ]
    status, body, headers = server.request(
        "POST", "/api/class?format=csv", json.dumps({"files": files})
    )
    assert status == 200
    assert headers["content-disposition"] == 'attachment; filename="gradebook.csv"'
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["file"], r["score"], r["max_score"]) for r in rows] == [
        ("alice.yaml", "15", "15"),
        ("bob.yaml", "14", "15"),
        ("carol.yaml", "", ""),
        ("dave.yaml", "", ""),
    ]
    assert rows[2]["error"] == "carol.yaml: is a binary file, not an answer sheet"
    assert rows[3]["error"] == "dave.yaml: names no exercise; give the network with --spec"
    table = server.request("POST", "/api/class?format=table", json.dumps({"files": files}))[1]
    assert "Most missed" in table and "missing_bias" in table


@pytest.mark.parametrize(
    "name",
    [
        "al\x00ice.yaml",  # no file system holds a NUL byte
        "..",  # the folder above, as a file name
        "b" * 300 + ".yaml",  # longer than a file name may be (255 bytes)
        "C:\\class\\dave.yaml",  # a Windows path: its last part
    ],
)
def test_any_upload_name_is_graded_under_the_name_sent(server: Server, name: str) -> None:
    files = [{"name": name, "text": answer_sheet()}]
    status, body, _ = server.request("POST", "/api/class?format=json", json.dumps({"files": files}))
    report = json.loads(body)  # one sheet: its report, not a list
    assert status == 200
    assert report["file"] == name.rpartition("\\")[2]
    assert (report["score"], report["max_score"]) == (15, 15)


@pytest.mark.parametrize(
    ("query", "flags"),
    [
        ("?partial=true", ["--partial", "--format", "json"]),
        ("?partial=true&format=table", ["--partial"]),
        ("", ["--format", "json"]),  # the lecture's printout is cut short: refused (exit 2)
    ],
)
def test_compare_is_the_clis(server: Server, query: str, flags: list[str]) -> None:
    summary = ROOT / "tests/data/lecture_mnist_summary.txt"
    spec = ROOT / "cnncalc/presets/mnist.json"
    body = json.dumps({"spec": spec.read_text(), "summary": summary.read_text()})
    status, reply, _ = server.request("POST", f"/api/compare{query}", body)
    code, out, err = cli("compare", str(spec), str(summary), *flags)
    if code == 2:
        message = "\n".join(line.removeprefix("error: ") for line in err.splitlines())
        assert (status, json.loads(reply)) == (
            400,
            {"error": message.replace(str(summary), "summary")},
        )
    else:
        assert (status, code, reply) == (200, 0, out.replace(str(summary), "summary"))


def test_import_is_the_clis(server: Server) -> None:
    spec = ROOT / "cnncalc/presets/mnist.json"
    assert (
        server.request("POST", "/api/import", spec.read_bytes())[1] == cli("import", str(spec))[1]
    )


def test_headers_forbid_foreign_scripts_and_framing(server: Server) -> None:
    _, page, headers = server.request("GET", "/")
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert "http" not in page.replace("http-equiv", "")  # no CDN: every asset is served here


def test_a_foreign_host_name_is_refused(server: Server) -> None:
    """DNS rebinding: a page on evil.example pointed at 127.0.0.1 sends Host: evil.example."""
    import urllib.request

    request = urllib.request.Request(server.url + "/api/presets", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400


def test_serve_without_the_web_extra_says_how_to_install() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "from cnncalc.cli import main; sys.argv = ['cnncalc', 'serve']; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stderr == "error: cnncalc serve needs uvicorn: pip install 'cnncalc[web]'\n"


def test_a_busy_port_is_one_message(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1]
    code, _, stderr = cli("serve", "--port", port)
    assert code == 2
    assert stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_saved_keras_archive_is_imported_like_the_cli_does(
    server: Server, tmp_path: Path
) -> None:
    keras = pytest.importorskip("keras")
    model = keras.Sequential(
        [keras.Input((12, 12, 3)), keras.layers.Conv2D(5, 3), keras.layers.GlobalAveragePooling2D()]
    )
    path = tmp_path / "tiny.keras"
    model.save(path)
    status, spec_text, _ = server.request("POST", "/api/import", path.read_bytes())
    assert (status, spec_text) == (200, cli("import", str(path))[1])
    analysis = server.json("POST", "/api/analyze", path.read_bytes())
    assert analysis["total_params"] == model.count_params() == (3 * 3 * 3 + 1) * 5


# In-process properties of what the endpoints compute: whatever the body, a reply or one of
# cnncalc's errors (a 4xx), never another exception (a 500).

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
LAYER_TYPES = st.sampled_from(["Conv2D", "Dense", "MaxPooling2D", "Flatten", "Add", "Reshape", "x"])
SPECS = st.fixed_dictionaries(
    {
        "input_shape": st.lists(st.integers(-1, 40) | st.none(), max_size=4) | JSON_VALUES,
        "layers": st.lists(
            st.fixed_dictionaries(
                {"type": LAYER_TYPES},
                optional={
                    "filters": JSON_VALUES,
                    "kernel_size": JSON_VALUES,
                    "units": JSON_VALUES,
                    "strides": JSON_VALUES,
                    "padding": st.sampled_from(["same", "valid", "causal", 3]),
                    "inputs": JSON_VALUES,
                },
            ),
            max_size=4,
        ),
    }
)


def replies_or_refuses(work: Any, *args: Any) -> None:
    from cnncalc.errors import CnncalcError

    try:
        work(*args)
    except CnncalcError as error:
        assert str(error).strip()


@given(st.binary(max_size=3000))
def test_any_bytes_get_an_answer_or_a_message(raw: bytes) -> None:
    from cnncalc.web import api

    for work in (api.import_json, api.uploads_from_body):
        replies_or_refuses(work, raw)
    replies_or_refuses(api.analyze_json, raw, {})
    replies_or_refuses(api.compare_text, raw, {})
    replies_or_refuses(api.check_text, [("a.yaml", raw)], {})


@given(SPECS, st.sampled_from(["application/json", "yaml"]))
def test_any_spec_shaped_data_gets_an_answer_or_a_message(spec: dict, kind: str) -> None:
    import yaml

    from cnncalc.web import api

    text = json.dumps(spec) if kind == "application/json" else yaml.safe_dump(spec)
    replies_or_refuses(api.analyze_json, text.encode(), {"explain": "1"})


@given(
    st.fixed_dictionaries({"spec": JSON_VALUES, "summary": JSON_VALUES})
    | st.fixed_dictionaries(
        {
            "files": st.lists(
                st.fixed_dictionaries({"name": JSON_VALUES, "text": JSON_VALUES}), max_size=3
            )
        }
    )
    | JSON_VALUES
)
def test_any_json_body_gets_an_answer_or_a_message(body: Any) -> None:
    from cnncalc.web import api

    raw = json.dumps(body).encode()
    replies_or_refuses(api.compare_text, raw, {})
    replies_or_refuses(lambda data: api.check_text(api.uploads_from_body(data), {}), raw)


def test_every_endpoint_is_documented() -> None:
    from cnncalc.web.app import create_app

    docs = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    paths = [route.path for route in create_app().routes if route.path.startswith("/api")]
    assert len(paths) >= 9
    assert [path for path in paths if path.replace("{name}", "NAME") not in docs] == []


def test_open_shows_the_page_in_the_browser(tmp_path: Path) -> None:
    """webbrowser runs $BROWSER with the URL: here a script that writes it down."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\n")
    with serving("--open", env={"BROWSER": f"{sys.executable} {script} %s"}) as running:
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text() == running.url + "/"


@given(st.dictionaries(st.sampled_from(["explain", "spec", "batch", "format"]), st.text()))
@example({"batch": "²"})  # a digit to str.isdigit, not to int()
@example({"batch": "9" * 5000})  # past Python's limit for converting digits
def test_any_query_is_read_or_refused_with_a_message(query: dict[str, str]) -> None:
    from cnncalc.web import api

    allowed = {"explain": False, "spec": "mnist", "batch": 1, "format": "json"}
    replies_or_refuses(api.options, query, allowed)
