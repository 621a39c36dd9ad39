"""The CLI: contract JSON, readable output, and exit status 2 with one line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paintrace.assessment import assess_payload
from paintrace.commands import app

runner = CliRunner()
VIGNETTES = Path(__file__).parent / "vignettes"
CASE = VIGNETTES / "dev-023.json"


def run(*args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "paintrace.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_assess_json_is_the_contract_output():
    proc = run("assess", "--input", str(CASE), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == assess_payload(json.loads(CASE.read_text()))


def test_assess_reads_standard_input():
    proc = run("assess", "--input", "-", "--json", stdin=CASE.read_text())
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["sources"][0]["id"] == "piriformis"


def _all_warning_signs_answered_no(path: Path) -> Path:
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_red_flags

    data = json.loads(CASE.read_text())
    kb = load_knowledge()
    for fid in open_red_flags(kb, data["drawing"], data["findings"]):
        data["findings"][fid] = False
    path.write_text(json.dumps(data))
    return path


def test_plan_is_held_back_while_warning_signs_are_open(tmp_path):
    """Unknown is not no: as on the result page, the routine waits for the warning signs."""
    proc = run("plan", "--input", str(CASE))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "self-care plan on hold" in proc.stderr
    assert "  ? " in proc.stderr  # the open questions, in words
    answered = _all_warning_signs_answered_no(tmp_path / "answered.json")
    proc = run("plan", "--input", str(answered))
    assert proc.returncode == 0, proc.stderr
    assert "Piriformis" in proc.stdout and "on hold" not in proc.stderr
    pdf = tmp_path / "plan.pdf"
    proc = run("plan", "--input", str(CASE), "--pdf", str(pdf))
    assert proc.returncode == 0 and "held back" in proc.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    proc = run("plan", "--input", str(CASE), "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["muscles"]
    assert "warning-sign questions are open" in proc.stderr


def test_assess_summary_shows_banner_ranking_and_plan(tmp_path):
    case = _all_warning_signs_answered_no(tmp_path / "case.json")
    result = runner.invoke(app, ["assess", "-i", str(case)])
    assert result.exit_code == 0
    assert "SELF-CARE IS REASONABLE" in result.output
    assert "Piriformis" in result.output
    assert "Muscles to work on" in result.output
    assert "still open" not in result.output


def _summary(tmp_path, drawing, findings) -> str:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"drawing": drawing, "findings": findings}))
    result = runner.invoke(app, ["assess", "-i", str(case)])
    assert result.exit_code == 0
    return " ".join(result.output.split())


def test_assess_summary_names_the_serious_causes_in_a_sentence(tmp_path):
    drawing = {"left.low-back": ["pain"], "left.calf-upper": ["pain"]}
    two = _summary(tmp_path, drawing, {"fever": True, "calf-swelling-warmth": True})
    assert (
        "First a doctor must rule out an infection in or near the spine and a blood clot in a "
        "leg vein or the lungs. The ranking below only applies if they are ruled out."
    ) in two
    one = _summary(tmp_path, drawing, {"fever": True})
    assert (
        "First a doctor must rule out an infection in or near the spine. The ranking below only "
        "applies if that is ruled out."
    ) in one
    # too many for one short sentence: a list, one cause a line
    three = {"fever": True, "calf-swelling-warmth": True, "significant-trauma": True}
    listed = _summary(tmp_path, drawing, three)
    assert "First a doctor must rule out these causes: • A broken bone in the spine " in listed
    assert "• A broken bone in the spine or pelvis. • An infection in or near the spine." in listed
    # at the emergency level no ranking follows, so none is spoken of
    emergency = _summary(tmp_path, drawing, {"saddle-numbness": True})
    assert "First a doctor must rule out pressure on the bundle of nerves" in emergency
    assert "ranking below" not in emergency


def test_assess_summary_lists_open_warning_signs_and_holds_the_plan():
    result = runner.invoke(app, ["assess", "-i", str(CASE)])
    assert result.exit_code == 0
    assert "Warning-sign questions still open" in result.output
    assert "Self-care plan on hold" in result.output
    assert "Muscles to work on" not in result.output
    assert "SELF-CARE IS REASONABLE" not in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["assess", "-i", "-"], "{not json", "malformed JSON"),
        (["assess", "-i", "-"], "", "empty input"),
        (["assess", "-i", "-"], '{"drawing": {"left.elbow": ["pain"]}}', "drawing.left.elbow"),
        (["assess", "-i", "-"], '{"drawing": {}}', "drawing"),
        (["assess", "-i", "-"], "[1, 2]", "(root)"),
        (
            ["assess", "-i", "-"],
            '{"drawing": {"left.buttock-center": ["pain"]}, "findings": null}',
            "findings: expected an object, not null",
        ),
        (
            ["plan", "-i", "-"],
            '{"drawing": null, "findings": {"fever": false}}',
            "drawing: expected",
        ),
        (["assess", "-i", "tests"], None, "is a directory"),
        (["assess", "-i", "no-such-file.json"], None, "no such file"),
        (["assess", "-i", ""], None, "no file name"),
        (["plan", "-i", ""], None, "no file name"),
        (["evaluate", "no-such-dir"], None, "not a directory"),
        (["sources", "spleen"], None, "unknown source"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, stdin, needle):
    proc = run(*args, stdin=stdin)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("assess",), "Missing option '--input' / '-i' (see 'paintrace assess --help')"),
        (("assess", "--bogus"), "No such option: --bogus (see 'paintrace assess --help')"),
        (("nosuch",), "No such command 'nosuch' (see 'paintrace --help')"),
        (("evaluate",), "Missing argument 'directory' (see 'paintrace evaluate --help')"),
        (("plan", "--input", str(CASE), "--pdf"), "Option '--pdf' requires an argument"),
    ],
)
def test_usage_errors_are_one_line_with_where_to_look(args, expected):
    """Typer printed usage errors as a framed panel of five lines; every other bad input is
    one line."""
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr == f"paintrace: error: {expected}\n"


def test_no_arguments_print_the_help_and_version_prints_the_version():
    proc = run()
    assert proc.returncode == 2 and "Usage: paintrace" in proc.stdout and "error" not in proc.stderr
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("paintrace ")


def test_evaluate_prints_scores(tmp_path):
    result = runner.invoke(app, ["evaluate", str(VIGNETTES), "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.output)["summary"]
    assert summary["cases"] >= 56 and summary["under_triage"] == 0
    table = runner.invoke(app, ["evaluate", str(VIGNETTES), "-v"])
    assert "dev-001" in table.output and "top-1" in table.output


def test_evaluate_rejects_a_folder_without_vignettes(tmp_path):
    (tmp_path / "x.json").write_text('{"drawing": {}}')
    proc = run("evaluate", str(tmp_path))
    assert proc.returncode == 2 and "not a vignette" in proc.stderr


def test_listings():
    assert "left.buttock-center" in runner.invoke(app, ["regions"]).output
    assert "saddle-numbness" in runner.invoke(app, ["findings"]).output
    out = runner.invoke(app, ["sources", "gluteus-minimus"]).output
    assert "front fibres" in out and "Trigger points" in out and "References" in out


def test_interactive_interview_reaches_a_result():
    answers = "\n".join(
        [
            "right buttock middle",
            "1",
            "p",
            "right sacroiliac",
            "1",
            "p",
            "",  # done marking
            "none",  # no warning signs
            *["y"] * 3,
            *["n"] * 12,
        ]
    )
    result = runner.invoke(app, ["interview"], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "Likely sources" in result.output


def test_every_contract_v2_id_is_accepted_by_the_cli():
    import yaml

    contract = Path(__file__).parent / "contract"
    findings = [
        f["id"] for f in yaml.safe_load((contract / "findings.yaml").read_text())["findings"]
    ]
    body = {
        "patient": {"age": 72, "sex": "female"},
        "drawing": {"left.calf-upper": ["pain"]},
        "findings": {fid: False for fid in findings},
    }
    proc = run("assess", "--input", "-", "--json", stdin=json.dumps(body))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["triage"]["unanswered"] == []
    ranked = {s["id"] for s in out["sources"]}
    sources = yaml.safe_load((contract / "sources.yaml").read_text())
    assert ranked <= {sid for ids in sources.values() for sid in ids}


def test_evaluate_prints_calibration_and_robustness():
    result = runner.invoke(
        app, ["evaluate", str(VIGNETTES / "real"), "--calibration", "--robustness", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["calibration"]["brier"] is not None
    assert sum(b["cases"] for b in out["calibration"]["bins"]) == out["summary"]["ranked_cases"]
    assert set(out["robustness"]) == {
        "all regions",
        "3 most specific",
        "2 most specific",
        "1 most specific",
    }


DEEP = "[" * 100_000 + "]" * 100_000
HUGE_AGE = '{"drawing": {"left.calf-upper": ["pain"]}, "patient": {"age": ' + "9" * 5000 + "}}"
ESCAPE = '{"drawing": {"left.\\u001b[2J\\u001b[31mcalf": ["pain"]}}'


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        ('{"findings": {"saddle-numbness": true, "saddle-numbness": false}}', "duplicate key"),
        (DEEP, "nested more than"),
        (HUGE_AGE, "number too large"),
        ('{"drawing": {"left.calf-upper": ["pain"]}, "patient": {"age": NaN}}', "NaN"),
        (" " * 1_100_000, "larger than"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
    ids=["duplicate", "deep", "huge-int", "nan", "too-big", "not-utf8"],
)
def test_bad_json_is_one_line_and_exit_2(stdin, needle):
    proc = subprocess.run(
        [sys.executable, "-m", "paintrace.cli", "assess", "--input", "-", "--json"],
        input=stdin if isinstance(stdin, bytes) else stdin.encode(),
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_escape_codes_in_input_are_shown_as_escapes():
    proc = run("assess", "--input", "-", stdin=ESCAPE)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr
    assert "\\x1b" in proc.stderr


def test_a_device_is_not_read():
    proc = run("assess", "--input", "/dev/zero")
    assert proc.returncode == 2
    assert "not a regular file" in proc.stderr


def test_a_closed_pipe_ends_quietly():
    """`paintrace assess --json ... | head -1`: the reader goes away; no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "paintrace.cli", "assess", "--input", str(CASE), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1  # as Click and Rich end the other commands
    assert err == ""


def test_ctrl_c_ends_quietly_with_130(monkeypatch, capsys):
    from paintrace import cli

    def interrupted(source: str, as_json: bool) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_assess", interrupted)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["assess", "--input", "-", "--json"])
    assert exit_.value.code == 130
    assert "Traceback" not in capsys.readouterr().err


def test_interview_input_that_runs_out_is_not_a_ctrl_c():
    """Answers piped in that end before the interview does: Typer's "Aborted." and status 1,
    as before the CLI left standalone mode, not 130, which says the person pressed Ctrl-C."""
    proc = run("interview", stdin="")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Aborted."


def test_evaluate_does_not_wait_on_a_pipe(tmp_path):
    import os

    os.mkfifo(tmp_path / "case.json")
    proc = subprocess.run(
        [sys.executable, "-m", "paintrace.cli", "evaluate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "case.json: not a regular file" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_plan_pdf_path_that_cannot_be_looked_at_is_one_line(tmp_path):
    """Path.is_dir() raises for some errors (permission denied, a name too long)."""
    proc = run("plan", "--input", str(CASE), "--pdf", str(tmp_path / ("a" * 300 + ".pdf")))
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_plan_pdf_name_is_echoed_without_escape_codes(tmp_path):
    pdf = tmp_path / "plan\x1b[2J.pdf"
    proc = run("plan", "--input", str(CASE), "--pdf", str(pdf))
    assert proc.returncode == 0, proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "\x1b" not in proc.stdout and "plan\\x1b[2J.pdf" in proc.stdout


def test_interview_takes_i_dont_know_in_words_and_explains_other_answers():
    """Typed as offered, "I don't know" was asked again without a word; so was any typo."""
    answers = "\n".join(
        ["right buttock middle", "1", "p", "", "ask", "maybe", "I don't know", *["n"] * 60]
    )
    result = runner.invoke(app, ["interview"], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Please type y, n, ? or w") == 1
    open_signs = result.output.split("still open", 1)[1]
    assert "saddle" in open_signs.split("Likely sources")[0]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [["assess", "--input", str(CASE), "--json"], ["regions"]], ids=["fast", "typer"]
)
def test_a_full_disk_is_one_line_not_a_traceback(args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "paintrace.cli", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1
    assert proc.stderr.startswith("paintrace: error: cannot write the output")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_closed_standard_input_is_one_line():
    proc = subprocess.run(
        [sys.executable, "-m", "paintrace.cli", "assess", "--input", "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: __import__("os").close(0),
    )
    assert proc.returncode == 2
    assert "standard input is closed" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_terminal_without_utf8_gets_escapes_not_a_traceback(as_json):
    import os

    proc = subprocess.run(
        [sys.executable, "-m", "paintrace.cli", "assess", "--input", str(CASE)]
        + (["--json"] if as_json else []),
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},
    )
    assert proc.returncode == 0, proc.stderr.decode()
    if as_json:  # \u escapes are still JSON
        assert json.loads(proc.stdout.decode("latin-1")) == json.loads(run_json(CASE))


def run_json(path: Path) -> str:
    return run("assess", "--input", str(path), "--json").stdout
