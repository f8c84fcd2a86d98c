#!/usr/bin/env python3
"""Rebuild pipelines/vocab/verbs.tsv: irregular English verb forms and their lemmas.

Source: WordNet 3.0 (Princeton University, WordNet 3.0 license, copied to
LICENSE.wordnet), as shipped by Debian's package `wordnet-base` 1:3.0-37. Two of its
files are read, nothing else:

- `verb.exc`, WordNet's verb exception list: every verb form that regular suffix
  stripping cannot take back to its lemma ("drove drive", "fell fall", "underwent
  undergo", "running run", "began begin");
- `cntlist.rev`, the number of times each word sense was tagged in the Semantic
  Concordance (SemCor, sense-tagged running text of the Brown corpus), which tells how
  often a written form was used in each of its readings.

Run (Python 3.9+; `apt-get` on PATH downloads the pinned package, nothing is installed):

    python3 pipelines/vocab/build_verbs.py [--deb PATH] [--review]

`--deb` reads a local copy of the .deb; `--review` prints the forms left out and why.
The files read are checked against pinned SHA-256 sums, so the output is the same
byte for byte wherever it is built.

A form of verb.exc is kept, as form -> lemma, unless the first rule that applies
drops it:

1. `not_a_word`: the form or lemma is not one lowercase word (multi-word verbs such
   as "allowing_for", hyphenated forms).
2. `auxiliary`: the lemma is be, have or do ("was", "had", "did"): auxiliaries carry
   no claim content, and the checker reads their forms as stopwords.
3. `two_lemmas`: verb.exc gives the form more than one lemma ("appalled": appal,
   appall; "feed": feed, fee).
4. `other_reading`: the form is also a word of its own, as a noun, an adjective, an
   adverb or another verb, used often enough that reading it as the verb would be
   wrong too often: the SemCor tags of the form's own senses (all parts of speech)
   are more than OTHER_SHARE (1 in 20) of the tags of its lemma's verb senses.
   This is what keeps laterality and wound care out: "left" (adjective, noun and
   adverb: 78 tags, against 414 for the verb "leave"), "wound" (noun and verb "to
   injure": 29, against 7 for "wind"), "ground" (noun: 112, against 10 for
   "grind"), and "lay", "bound", "rose", "shed", "bit", "bore", "lost", "broken",
   "thought". Forms whose other reading is listed in WordNet but (almost) never
   used are kept: "drove" (a herd: never tagged), "fell" (the verb "to fell a
   tree": 4 tags, against 116 for "fall").
5. `reviewed`: REVIEWED below, forms that rule 4 keeps but whose lemma is a clinical
   noun of another meaning in notes; each with its reason.

Output (UTF-8, `\\n` line ends), one header line, sorted by form:

    form <TAB> lemma

Both lowercase. `crates/pa-types/src/verbs.rs` embeds the file: `text::stem` reads a
kept form as its lemma, and the regular forms of those lemmas ("drives",
"driving") too, so that "drove", "drive" and "driving" meet.
"""
import argparse
import collections
import hashlib
import io
import lzma
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "wordnet-base"
VERSION = "1:3.0-37"
DICT = "./usr/share/wordnet/"
SHA256 = {
    "verb.exc": "dbbcf9a601b2d77e934e413b91d90e88ec7f933a8b77cfc00602a923b891b42c",
    "cntlist.rev": "a198580b8f705fa02797bba8b13e5cbe4a9f9f40cb1697e774c7fc6a5865b035",
}
COPYRIGHT = "./usr/share/doc/wordnet-base/copyright"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "verbs.tsv")
LICENSE_OUT = os.path.join(HERE, "LICENSE.wordnet")
OTHER_SHARE = 0.05
AUXILIARIES = {"be", "have", "do"}
# Rule 5: kept by rule 4, but the lemma is a clinical noun of another meaning.
REVIEWED = {
    "led": "'lead' is an ECG, pacemaker or stimulator lead, and a blood level (lead poisoning)",
}


def fetch_deb(path):
    if path:
        return path
    tmp = tempfile.mkdtemp(prefix="wordnet-")
    subprocess.run(["apt-get", "download", "--quiet", f"{PACKAGE}={VERSION}"], cwd=tmp, check=True)
    debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
    if len(debs) != 1:
        sys.exit(f"build_verbs.py: expected one .deb in {tmp}, found {debs}")
    return os.path.join(tmp, debs[0])


def deb_members(path, wanted):
    """The files `wanted` (paths in the package) of a .deb (an ar archive holding data.tar.*)."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"!<arch>\n"):
        sys.exit(f"build_verbs.py: {path} is not a .deb")
    at, tar_bytes, tar_name = 8, None, None
    while at < len(data):
        name = data[at:at + 16].decode().strip().rstrip("/")
        size = int(data[at + 48:at + 58].decode().strip())
        body = data[at + 60:at + 60 + size]
        if name.startswith("data.tar"):
            tar_bytes, tar_name = body, name
        at += 60 + size + (size % 2)
    if tar_bytes is None:
        sys.exit(f"build_verbs.py: no data.tar in {path}")
    if tar_name.endswith(".xz"):
        tar_bytes = lzma.decompress(tar_bytes)
    out = {}
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as t:
        for m in t.getmembers():
            if m.name in wanted:
                out[m.name] = t.extractfile(m).read()
    missing = set(wanted) - set(out)
    if missing:
        sys.exit(f"build_verbs.py: {path} lacks {sorted(missing)}")
    return out


def tag_counts(text):
    """lemma -> part of speech (n, v, a, r) -> SemCor tags, from cntlist.rev."""
    pos_of = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    counts = collections.defaultdict(collections.Counter)
    for line in text.splitlines():
        key, _sense, n = line.split()
        lemma, rest = key.split("%", 1)
        counts[lemma][pos_of[rest[0]]] += int(n)
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deb", help=f"a local copy of {PACKAGE}_{VERSION.split(':')[1]}_all.deb")
    ap.add_argument("--review", action="store_true", help="print the forms left out and why")
    args = ap.parse_args()

    files = {DICT + n for n in SHA256} | {COPYRIGHT}
    got = deb_members(fetch_deb(args.deb), files)
    for name, digest in SHA256.items():
        if hashlib.sha256(got[DICT + name]).hexdigest() != digest:
            sys.exit(f"build_verbs.py: {name} is not the pinned WordNet 3.0 file")
    counts = tag_counts(got[DICT + "cntlist.rev"].decode("utf-8"))

    kept, dropped = [], collections.defaultdict(list)
    for line in got[DICT + "verb.exc"].decode("utf-8").splitlines():
        form, *lemmas = line.split()
        lemma = lemmas[0]
        if not all(w.isascii() and w.isalpha() and w.islower() for w in [form, *lemmas]):
            rule = "not_a_word"
        elif lemma in AUXILIARIES:
            rule = "auxiliary"
        elif len(lemmas) > 1:
            rule = "two_lemmas"
        elif sum(counts[form].values()) > OTHER_SHARE * counts[lemma]["v"]:
            rule = "other_reading"
        elif form in REVIEWED:
            rule = "reviewed"
        else:
            kept.append((form, lemma))
            continue
        own = ", ".join(f"{p} {n}" for p, n in sorted(counts[form].items()) if n)
        dropped[rule].append(f"{form} -> {' / '.join(lemmas)} (own tags: {own or 'none'}; "
                             f"verb {lemma}: {counts[lemma]['v']})")

    kept.sort()
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("form\tlemma\n")
        for form, lemma in kept:
            f.write(f"{form}\t{lemma}\n")
    copyright_text = got[COPYRIGHT].decode("utf-8")
    start = copyright_text.index("License: WordNet3.0")
    end = copyright_text.index("Files: debian/*")
    license_lines = [ln[1:] if ln.startswith(" ") else ln for ln in copyright_text[start:end].splitlines()[1:]]
    with open(LICENSE_OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"WordNet 3.0 license (from Debian's {PACKAGE} {VERSION}, debian/copyright)\n\n")
        f.write("\n".join("" if ln == "." else ln for ln in license_lines).strip() + "\n")
    print(f"wrote {len(kept)} forms of {len({l for _, l in kept})} verbs to {OUT}")
    print("dropped, by first rule: " + ", ".join(f"{r} {len(v)}" for r, v in sorted(dropped.items())))
    if args.review:
        for rule in ("two_lemmas", "other_reading", "reviewed"):
            print(f"\n## {rule}")
            for d in dropped[rule]:
                print(d + (f": {REVIEWED[d.split()[0]]}" if rule == "reviewed" else ""))


if __name__ == "__main__":
    main()
