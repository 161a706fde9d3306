"""pytest plugin (run.sh loads it with -p): a skipped or xfailed test fails the run, so a
missing package, Herald feature or IdP cannot pass for green."""

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(
            f"run.sh: {len(_skipped)} test(s) skipped, which fails the run:", red=True, bold=True
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)
