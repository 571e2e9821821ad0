"""Print the Debian archive mirror this machine's apt already uses.

build.sh needs a deb-src entry for another suite (trixie) but must not write a
host name into the repository, so it borrows the mirror from the machine's own
apt configuration: the first enabled entry whose URI ends in /debian (the main
archive, not debian-security or a third-party repository).

Output: one line, "URI<TAB>KEYRING", KEYRING being the entry's signed-by path
or empty.  Exit status 1 with a message when nothing suitable is configured.
"""

import glob
import sys

APT_DIR = "/etc/apt"


def deb822_entries(path):
    """Yield (types, uris, signed_by) for each stanza of a .sources file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for stanza in text.split("\n\n"):
        fields = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0] in " \t" and key:
                fields[key] += "\n" + line.strip()
                continue
            key, _, value = line.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if fields.get("enabled", "yes").lower() == "no":
            continue
        signed_by = fields.get("signed-by", "")
        if "\n" in signed_by:  # an inline key block, not a path
            signed_by = ""
        yield (fields.get("types", "").split(), fields.get("uris", "").split(),
               signed_by)


def one_line_entries(path):
    """Yield (types, uris, signed_by) for each line of a .list file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            kind, rest = words[0], words[1:]
            signed_by = ""
            if rest and rest[0].startswith("["):
                options = []
                while rest:
                    word = rest.pop(0)
                    options.append(word.strip("[]"))
                    if word.endswith("]"):
                        break
                for option in options:
                    name, _, value = option.partition("=")
                    if name == "signed-by":
                        signed_by = value
            if rest:
                yield [kind], [rest[0]], signed_by


def main():
    files = sorted(glob.glob(f"{APT_DIR}/sources.list.d/*.sources"))
    entries = [e for path in files for e in deb822_entries(path)]
    for path in [f"{APT_DIR}/sources.list",
                 *sorted(glob.glob(f"{APT_DIR}/sources.list.d/*.list"))]:
        try:
            entries.extend(one_line_entries(path))
        except FileNotFoundError:
            pass
    for types, uris, signed_by in entries:
        if not {"deb", "deb-src"} & set(types):
            continue
        for uri in uris:
            if uri.rstrip("/").rsplit("/", 1)[-1] == "debian":
                print(f"{uri.rstrip('/')}\t{signed_by}")
                return 0
    print("no Debian archive mirror (a URI ending in /debian) is configured "
          f"in {APT_DIR}/sources.list or {APT_DIR}/sources.list.d/",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
