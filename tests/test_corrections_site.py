"""End to end: a figure changed after publication shows in the built site's corrections log."""

from __future__ import annotations

import subprocess
import textwrap

from tests.conftest import build_site
from tests.gitenv import GIT_ENV
from tests.sitecheck import soup

TARGET = """\
    id: PA2024-001
    title: Build 30 sites
    policy_address: 2024
    bureau: Housing Bureau
    due: 2026-Q4
    indicator: {{unit: sites, baseline: 0, target: 30}}
    progress:
      - {{quarter: 2025-Q1, value: 4}}
      - {{quarter: 2025-Q2, value: {q2}}}
    """


def git(repo, *args, date="2025-08-01T09:00:00+00:00") -> str:
    """Run git in ``repo`` with a clean, fixed identity and date."""
    env = {**GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_correction_of_a_published_figure_is_logged(tmp_path):
    repo = tmp_path / "register-repo"
    (repo / "targets").mkdir(parents=True)
    path = repo / "targets" / "PA2024-001.yaml"
    git(repo, "init", "-q", "-b", "main")
    path.write_text(textwrap.dedent(TARGET.format(q2=12)))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Publish 2025-Q2", date="2025-07-10T09:00:00+00:00")
    path.write_text(textwrap.dedent(TARGET.format(q2=15)))
    git(repo, "commit", "-q", "-am", "Correct 2025-Q2", date="2025-08-20T09:00:00+00:00")
    commit = git(repo, "rev-parse", "HEAD")

    output = tmp_path / "site"
    # The whole history is published (the project's RECORD_SINCE is a commit of its own).
    build_site(repo / "targets", output, RECORD_SINCE=None)
    rows = soup(output / "corrections.html").select("table.corrections tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]
    assert cells == [["2025-08-20", "PA2024-001", "2025-Q2", "Value", "12", "15", commit[:10]]]
    page = " ".join(soup(output / "targets" / "PA2024-001.html").get_text().split())
    assert f"2025-Q2 value changed from 12 to 15 (change {commit[:10]})" in page


def test_outside_git_the_log_is_unavailable(tmp_path):
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "PA2024-001.yaml").write_text(textwrap.dedent(TARGET.format(q2=12)))
    output = tmp_path / "site"
    build_site(tmp_path / "targets", output)
    text = soup(output / "corrections.html").get_text()
    assert "The corrections log is not available for this copy of the site." in text
