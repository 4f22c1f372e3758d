"""Every address of the site, in one place: the docs path of each page, the output path
of each file, and the URLs built from them.

- A *page path* is docs-relative Markdown (``indicateurs/x.md``); mkdocs serves it at
  ``indicateurs/x/`` (``url_of``). Links between pages are relative (``relative_url``),
  so that the site works under any base URL (a CDN sub-path).
- An *output path* is a file copied as it is (downloads, feeds, DCAT, sitemap).
- Absolute URLs (sitemap, DCAT, feeds, citations, schema.org) start at ``public_url``.
Nothing here reads or writes files.
"""

from __future__ import annotations

import re

from observatory.core.config import Config

# Pages ---------------------------------------------------------------------------------
HOME = "index.md"
THEMES = "themes/index.md"
INDICATORS = "indicateurs/index.md"
TERRITORIES = "territoires/index.md"
CATALOGUE = "catalogue/index.md"
CATALOGUE_INDICATORS = "catalogue/indicateurs.md"
CATALOGUE_SCHEMES = "catalogue/dispositifs.md"
CATALOGUE_PRIORITIES = "catalogue/priorites.md"
CATALOGUE_PARTNERS = "catalogue/partenaires.md"
STUDIES = "etudes/index.md"
OPEN_DATA = "donnees/index.md"
RELEASE_NOTES = "donnees/notes-de-version.md"
METHODOLOGY = "methodologie.md"
LEGAL_NOTICE = "mentions-legales.md"
PERSONAL_DATA = "donnees-personnelles.md"
ACCESSIBILITY = "accessibilite.md"


def slug(text: str) -> str:
    """A URL segment from a name: ``"Conseil départemental"`` -> ``conseil-departemental``."""
    ascii_text = text.lower()
    for accented, plain in (("éèêë", "e"), ("àâä", "a"), ("îï", "i"), ("ôö", "o"), ("ùûü", "u")):
        ascii_text = re.sub(f"[{accented}]", plain, ascii_text)
    ascii_text = ascii_text.replace("ç", "c")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "autre"


def indicator_path(indicator_id: str) -> str:
    return f"indicateurs/{indicator_id}.md"


def theme_path(theme_id: str) -> str:
    return f"themes/{theme_id}.md"


def territory_path(code: str) -> str:
    return f"territoires/{code}.md"


def package_path(package_id: str) -> str:
    return f"catalogue/donnees/{package_id}.md"


def catalogue_theme_path(theme_id: str) -> str:
    return f"catalogue/themes/{theme_id}.md"


def producer_path(name: str) -> str:
    return f"catalogue/producteurs/{slug(name)}.md"


def study_path(study_slug: str) -> str:
    return f"etudes/{study_slug}.md"


def studies_theme_path(theme_id: str) -> str:
    return f"etudes/par-theme/{theme_id}.md"


def studies_partner_path(partner: str) -> str:
    return f"etudes/par-partenaire/{slug(partner)}.md"


def studies_year_path(year: str) -> str:
    return f"etudes/par-annee/{year}.md"


# Files ---------------------------------------------------------------------------------
STUDIES_FEED = "etudes/flux.atom"
FULL_DOWNLOAD = "donnees/donnees-observatoire-mayotte.zip"
MANIFEST = "release-manifest.json"
DCAT_TURTLE = "catalogue.ttl"
DCAT_JSONLD = "catalogue.jsonld"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
VENDOR = "assets/vendor/"


def download_path(indicator_id: str, ext: str) -> str:
    """Site-relative path of an indicator's download (``csv``, ``json`` or ``xlsx``)."""
    return f"telechargements/{indicator_id}.{ext}"


def study_file_path(study_slug: str, name: str) -> str:
    """Where a study's attached file goes (beside its page)."""
    return f"etudes/{study_slug}/{name}"


def package_file_path(package_id: str, name: str) -> str:
    """Where a published package's file goes (its descriptor, tables, schemas)."""
    return f"donnees/{package_id}/{name}"


# URLs ----------------------------------------------------------------------------------
def url_of(path: str) -> str:
    """Site-relative URL of a docs path: ``a/b.md`` -> ``a/b/``, ``index.md`` -> ``""``."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_path: str, to_path: str) -> str:
    """Relative link from the page at docs path ``from_path`` to a page or file, so that
    the site works under any base URL (CDN sub-path)."""
    here = url_of(from_path)
    depth = here.count("/")
    target = url_of(to_path)
    return "../" * depth + target if ("../" * depth + target) else "./"


def package_url(package_id: str) -> str:
    return url_of(package_path(package_id))


def indicator_url(indicator_id: str) -> str:
    return url_of(indicator_path(indicator_id))


def study_url(study_slug: str) -> str:
    return url_of(study_path(study_slug))


def public_url(config: Config) -> str:
    """The published root URL: ``base_url`` when absolute, else ``site_url`` + its path.

    A local build (no ``site_url``) publishes root-relative addresses (``base_url``): no
    local host ever reaches the DCAT catalogue, the sitemap, the feeds or the citations.
    """
    if config.base_url.startswith(("http://", "https://")):
        return config.base_url
    if config.local:
        return config.base_url
    if config.base_url == "/":
        return config.site_url
    scheme, _, rest = config.site_url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}{config.base_url}"
