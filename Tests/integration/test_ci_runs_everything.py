"""With `CI` set, a test that would skip for want of a tool or data fails instead (conftest.py), so a green CI
means every test ran; without it, the same tests skip."""
import os
import pathlib
import subprocess
import sys

SAMPLE = '''
import shutil
import pytest

@pytest.mark.skipif(shutil.which("no-such-tool-here") is None, reason="no-such-tool-here is not installed")
def test_needs_a_tool():
    pass

@pytest.mark.parametrize("path", [])
def test_over_an_empty_folder(path):
    pass

def test_skips_itself():
    pytest.skip("no data")

@pytest.mark.xfail(reason="known", strict=True)
def test_expected_failure():
    assert False

def test_runs():
    pass
'''


def run_sample(tmp_path, ci, *options, sample=SAMPLE):
    (tmp_path / "test_sample.py").write_text(sample)
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(__file__).parent))
    env.pop("CI", None)
    for name in [name for name in env if name.startswith("PYTEST_XDIST_")]:  # this run may be an xdist worker's
        env.pop(name)
    if ci is not None:
        env["CI"] = ci
    # Only conftest (and xdist when asked for): the installed plugins that load themselves (schemathesis, hypothesis,
    # anyio, ...) have nothing to do with skips, and loading them took seconds of CPU in every run of the sample.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    plugins = ["-p", "conftest", "-p", "no:cacheprovider"] + (["-p", "xdist.plugin"] if "-n" in options else [])
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *plugins, *options, "test_sample.py"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout.splitlines()[-1] if result.stdout else result.stderr


def counts(summary):
    """`1 failed, 1 passed, 2 errors in 2.3s` as {"failed": 1, "passed": 1, "errors": 2}."""
    words = summary.split(" in ")[0].replace(",", "").split()
    return {words[i + 1]: int(words[i]) for i in range(0, len(words) - 1, 2)}


def test_skips_fail_on_ci(tmp_path):
    code, summary = run_sample(tmp_path, "true")
    found = counts(summary)
    # A skip decided before the test runs (a skipif mark, an empty parameter set) is reported as an error, one
    # decided inside it as a failure: either way the run is red.
    assert code == 1 and found.get("failed", 0) + found.get("errors", 0) == 3, summary
    assert found.get("passed") == 1 and found.get("xfailed") == 1 and "skipped" not in found, summary


def test_skips_fail_on_ci_with_the_tests_spread_over_xdist_workers(tmp_path):
    """`make test` runs the tests on pytest-xdist workers: a skip on a worker still reaches the summary as a failure."""
    code, summary = run_sample(tmp_path, "true", "-n", "2")
    found = counts(summary)
    assert code == 1 and found.get("failed", 0) + found.get("errors", 0) == 3, summary
    assert found.get("passed") == 1 and found.get("xfailed") == 1 and "skipped" not in found, summary


def test_skips_are_skips_elsewhere(tmp_path):
    for ci in [None, "", "false", "0"]:
        code, summary = run_sample(tmp_path, ci)
        assert code == 0 and counts(summary) == {"passed": 1, "skipped": 3, "xfailed": 1}, (ci, summary)


MODULE_SKIP = '''
import pytest

pytest.importorskip("no_such_module_here")


def test_never_collected():
    pass
'''


def test_a_module_skipped_while_collected_fails_on_ci(tmp_path):
    """A module that skips itself while it is collected (`pytest.importorskip` of a missing package) is an error on
    CI, a skip elsewhere."""
    code, summary = run_sample(tmp_path, "true", sample=MODULE_SKIP)
    assert code != 0 and "error" in summary and "skipped" not in summary, summary
    code, summary = run_sample(tmp_path, None, sample=MODULE_SKIP)
    # Exit status 5: no test ran (the only module skipped), not a failure.
    assert code == 5 and counts(summary) == {"skipped": 1}, summary
