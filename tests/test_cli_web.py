"""`srccompare clean` (and `cache`) on URLs, --urls, --feed and --sitemap, against a local web site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from local_web import BLOCKED, LocalSite, site, stays_on_loopback  # noqa: F401 (site, stays_on_loopback: fixtures)
from srccompare.cli import main

WEB_CONFIG = """[web]
allow_private_addresses = true
host_delay = 0.0
timeout = 1
max_redirects = 2
max_page_bytes = 200_000
retries = 0
deadline = 5
obey_robots_txt = false
"""
ARTICLES = ("/news/helicopter.html", "/news/tories.html", "/news/assange.html")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(WEB_CONFIG)
    return path


def run(config: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, Result]:
    """Run srccompare in-process (so the loopback guard applies); returns (exit status, result)."""
    result = CliRunner().invoke(main, ["--config", str(config), *args], standalone_mode=False, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    status = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return status, result


def records(result: Result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_urls_are_cleaned_with_url_fetch_time_and_outlet(site, config, tmp_path):
    cache = str(tmp_path / "pages.sqlite")
    status, result = run(config, "clean", "--format", "jsonl", "--cache", cache, site.url("/news/helicopter.html"), site.url("/moved"))
    assert status == 0, result.stderr
    helicopter, tories = records(result)
    assert helicopter["source"] == site.url("/news/helicopter.html")
    assert helicopter["metadata"]["outlet"] == "Al Jazeera" and helicopter["metadata"]["fetched"]
    assert tories["source"] == site.url("/moved") and tories["metadata"]["url"] == site.url("/news/tories.html")
    assert "Twitter" in tories["text"]


def test_a_rerun_fetches_nothing_and_refresh_fetches_again(site, config, tmp_path):
    cache, url = str(tmp_path / "pages.sqlite"), site.url("/news/assange.html")
    before = site.requests["/news/assange.html"]
    first = run(config, "clean", "--cache", cache, url)[1].stdout
    status, second = run(config, "clean", "--cache", cache, url)
    assert status == 0 and second.stdout == first
    assert site.requests["/news/assange.html"] == before + 1
    run(config, "clean", "--cache", cache, "--refresh", url)
    assert site.requests["/news/assange.html"] == before + 2


def test_each_failing_url_gets_one_line_and_the_others_are_cleaned(site, config, tmp_path):
    failing = ["/gone.html", "/image.png", "/big.html", "/app.html"]
    urls = [site.url(p) for p in failing] + [site.url("/news/tories.html")]
    status, result = run(config, "clean", "--format", "jsonl", "--cache", str(tmp_path / "c.sqlite"), *urls)
    assert status == 1
    assert result.stderr.splitlines() == [
        f"srccompare: {site.url('/gone.html')}: HTTP 404 Not Found",
        f"srccompare: {site.url('/image.png')}: not an HTML page (the server says image/png)",
        f"srccompare: {site.url('/big.html')}: page is larger than the limit of 200,000 bytes (see web.max_page_bytes)",
        f"srccompare: {site.url('/app.html')}: no article text found in the page",
        "srccompare: 4 of 5 inputs failed",
    ]
    assert [r["source"] for r in records(result)] == [site.url("/news/tories.html")]


def test_a_url_file_with_comments_and_a_bad_line(site, config, tmp_path):
    listing = tmp_path / "links.txt"
    listing.write_text(f"# links from the spreadsheet\n\n{site.url('/news/helicopter.html')}  # Al Jazeera\n"
                       f"not a link\n{site.url('/news/assange.html')}\n")
    status, result = run(config, "clean", "--format", "jsonl", "--cache", str(tmp_path / "c.sqlite"), "--urls", str(listing))
    assert status == 1
    assert result.stderr.splitlines() == [f"srccompare: {listing}:4: not an http:// or https:// URL",
                                          "srccompare: 1 of 3 inputs failed"]
    assert [r["source"] for r in records(result)] == [site.url("/news/helicopter.html"), site.url("/news/assange.html")]


@pytest.mark.parametrize("option, path", [("--feed", "/rss.xml"), ("--feed", "/atom.xml"), ("--sitemap", "/sitemap.xml")])
def test_feeds_and_sitemaps_bring_their_articles(site, config, tmp_path, option, path):
    if not site.on_port_80:
        pytest.skip("courlan rejects IP hosts with a port; binding port 80 needs root")
    given = site.url("/news/tories.html")  # also listed: read once
    status, result = run(config, "clean", "--format", "jsonl", "--cache", str(tmp_path / "c.sqlite"), given, option, site.url(path))
    assert status == 0, result.stderr
    sources = [r["source"] for r in records(result)]
    assert sources == [given] + [site.url(p) for p in ARTICLES if site.url(p) != given]  # then the feed's order


def test_cache_stats_and_clear(site, config, tmp_path):
    cache = str(tmp_path / "pages.sqlite")
    run(config, "clean", "--cache", cache, site.url("/news/helicopter.html"), site.url("/news/tories.html"))
    status, stats = run(config, "cache", "stats", "--cache", cache)
    assert status == 0 and "pages:   2 from 1 site" in stats.stdout
    status, cleared = run(config, "cache", "clear", "--cache", cache)
    assert status == 0 and cleared.stdout == f"{cache}: removed 2 pages\n"
    assert "pages:   0 from 0 sites" in run(config, "cache", "stats", "--cache", cache)[1].stdout


def test_the_cache_lives_in_the_users_cache_directory(site, config, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    run(config, "clean", site.url("/news/helicopter.html"), env=env)
    assert (tmp_path / "xdg" / "srccompare" / "pages.sqlite").is_file()
    assert "pages:   1 from 1 site" in run(config, "cache", "stats", env=env)[1].stdout


def test_an_unusable_cache_file_is_one_line_per_url(site, config, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database " * 100)
    status, result = run(config, "clean", "--cache", str(bad), site.url("/news/helicopter.html"))
    assert status == 3
    assert result.stderr.splitlines()[0].startswith(f"srccompare: {site.url('/news/helicopter.html')}: {bad}: not a usable page cache")


def test_no_inputs_at_all_is_a_usage_error(config):
    result = CliRunner().invoke(main, ["--config", str(config), "clean"])
    assert result.exit_code == 2 and "no inputs" in result.stderr


def test_cache_options_give_a_command_refresh_and_cache_only():
    import click

    from srccompare.cli.web import WebOptions, cache_options

    @click.command()
    @click.argument("left")
    @cache_options
    def probe(left: str, web: WebOptions) -> None:
        click.echo(f"{left} {web.overrides()}")

    result = CliRunner().invoke(probe, ["a.html", "--refresh", "--cache", "c.sqlite"])
    assert result.stdout == "a.html {'web': {'refresh': True, 'cache_file': 'c.sqlite'}}\n"
    assert CliRunner().invoke(probe, ["a.html", "--feed", "http://x.example/rss"]).exit_code == 2


def test_diff_takes_two_urls(site, config, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    status, result = run(config, "diff", "--format", "json", site.url("/news/tories.html"), site.url("/moved"), env=env)
    assert status == 0, result.stderr
    assert "UK Tories under fire for Twitter name switch" in result.stdout
    assert site.url("/news/tories.html") in result.stdout


def test_reuse_takes_a_url_file_and_urls_beside_files(site, config, tmp_path):
    from conftest import SEEDS

    listing = tmp_path / "links.txt"
    listing.write_text(f"{site.url('/news/helicopter.html')}\n{site.url('/gone.html')}\n")
    status, result = run(config, "reuse", "--format", "json", "--workers", "1", "--cache", str(tmp_path / "c.sqlite"),
                         "--urls", str(listing), str(SEEDS / "002_f1fbc4a1f97f33cb.txt"))
    assert status == 1
    assert result.stderr.splitlines()[0] == f"srccompare: {site.url('/gone.html')}: HTTP 404 Not Found"
    sources = [document["source"] for document in json.loads(result.stdout)["documents"]]
    assert site.url("/news/helicopter.html") in sources and str(SEEDS / "002_f1fbc4a1f97f33cb.txt") in sources


def test_max_age_fetches_again_what_is_older(site, config, tmp_path):
    cache, url = str(tmp_path / "pages.sqlite"), site.url("/news/helicopter.html")
    before = site.requests["/news/helicopter.html"]
    first = run(config, "clean", "--format", "jsonl", "--cache", cache, url)[1]
    fetched = records(first)[0]["metadata"]["fetched"]
    again = run(config, "clean", "--format", "jsonl", "--cache", cache, "--max-age", "1h", url)[1]
    assert site.requests["/news/helicopter.html"] == before + 1
    assert records(again)[0]["metadata"]["fetched"] == fetched  # a cached page keeps the time it was fetched
    status, _ = run(config, "clean", "--cache", cache, "--max-age", "0s", url)
    assert status == 0 and site.requests["/news/helicopter.html"] == before + 2


def test_an_unreadable_max_age_is_a_usage_error(config):
    result = CliRunner().invoke(main, ["--config", str(config), "clean", "--max-age", "soon", "x.html"])
    assert result.exit_code == 2
    assert "Invalid value for '--max-age': should be a number and a unit" in result.stderr


def test_a_refused_address_is_one_line_without_a_connection(site, tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text("[web]\ntimeout = 1\ndeadline = 5\nobey_robots_txt = false\n")
    before = sum(site.requests.values())
    status, result = run(config, "clean", "--cache", str(tmp_path / "c.sqlite"), site.url("/news/tories.html"),
                         "http://169.254.169.254/latest/meta-data/")
    assert status == 3 and sum(site.requests.values()) == before
    assert result.stderr.splitlines()[:2] == [
        f"srccompare: {site.url('/news/tories.html')}: refused: not a public internet address; srccompare connects "
        f"only to public addresses (see web.allow_private_addresses)",
        "srccompare: http://169.254.169.254/latest/meta-data/: refused: not a public internet address; srccompare "
        "connects only to public addresses (see web.allow_private_addresses)"]
