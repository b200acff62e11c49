#!/bin/bash
# backup.sh — one backup of the Parcours database, then rotation. docs/backup.md.
#
# Run by parcours-backup.service (as the parcours user, with /etc/parcours/parcours.env); by
# hand: `sudo systemctl start parcours-backup`. Reads from the environment:
#   DATABASE_URL                   the database, as the app reads it (postgres://user:pw@host:port/name)
#   PARCOURS_BACKUP_DIR            where the dumps go (/var/backups/parcours), created 0700
#   PARCOURS_BACKUP_KEEP_DAILY     newest backup of each of the last N days kept (7)
#   PARCOURS_BACKUP_KEEP_WEEKLY    newest backup of each of the last M ISO weeks kept (5)
#   PARCOURS_BACKUP_AGE_RECIPIENT  optional: an age public key (age1…) or a file of them; the
#                                  dump is then encrypted and only the private key restores it
#
# The dump (pg_dump --format=custom: one consistent snapshot of a running database) is written to
# a hidden temporary file in the same folder, checked, and only then renamed to its dated name:
# a failed backup leaves no dated file, and says so on standard error with a non-zero status
# (systemd marks the service failed). Files are created 0600 (umask 077).
set -euo pipefail
umask 077

fail() {
    echo "backup.sh: FAILED: $*" >&2
    exit 1
}

dir="${PARCOURS_BACKUP_DIR:-/var/backups/parcours}"
keep_daily="${PARCOURS_BACKUP_KEEP_DAILY:-7}"
keep_weekly="${PARCOURS_BACKUP_KEEP_WEEKLY:-5}"
recipient="${PARCOURS_BACKUP_AGE_RECIPIENT:-}"
[[ "$keep_daily" =~ ^[0-9]+$ && "$keep_weekly" =~ ^[0-9]+$ ]] \
    || fail "PARCOURS_BACKUP_KEEP_DAILY and _WEEKLY must be whole numbers"
((keep_daily + keep_weekly > 0)) || fail "keeping no backup at all is not a backup policy"
[[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set (is the environment file read?)"
command -v pg_dump >/dev/null || fail "pg_dump is not installed (apt install postgresql-client)"

# The connection goes to pg_dump through libpq's PG* variables, never its command line, so the
# password (if the URL has one) does not show in `ps`.
while IFS='=' read -r -d '' name value; do
    export "$name=$value"
done < <(
    python3 - <<'PY'
import os, sys
from urllib.parse import unquote, urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit(f"backup.sh: DATABASE_URL is not a PostgreSQL URL ({url.scheme}:)")
parts = {
    "PGHOST": unquote(url.hostname or ""), "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""), "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
for name, value in parts.items():
    if value:
        sys.stdout.write(f"{name}={value}\0")
PY
)
[[ -n "${PGDATABASE:-}" ]] || fail "DATABASE_URL names no database"

mkdir -p -m 0700 "$dir" || fail "cannot create $dir"
[[ -w "$dir" ]] || fail "$dir is not writable by $(id -un)"

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
name="parcours-$stamp.dump"
[[ -n "$recipient" ]] && name="$name.age"
target="$dir/$name"
[[ ! -e "$target" ]] || fail "$target already exists"

partial="$(mktemp "$dir/.partial-XXXXXXXX")"
trap 'rm -f "$partial"' EXIT

if [[ -z "$recipient" ]]; then
    pg_dump --format=custom --file="$partial" || fail "pg_dump of $PGDATABASE failed"
    # The archive must be readable to the end: its table of contents lists the audit table.
    pg_restore --list "$partial" | grep " TABLE .* audit_event " >/dev/null \
        || fail "the dump of $PGDATABASE is unreadable or holds no audit_event table"
else
    command -v age >/dev/null || fail "age is not installed (apt install age)"
    if [[ -f "$recipient" ]]; then
        recipient_args=(--recipients-file "$recipient")
    else
        recipient_args=(--recipient "$recipient")
    fi
    pg_dump --format=custom | age --encrypt "${recipient_args[@]}" --output "$partial" \
        || fail "pg_dump of $PGDATABASE or its encryption failed"
fi
[[ -s "$partial" ]] || fail "the dump of $PGDATABASE is empty"
chmod 0600 "$partial"
sync "$partial"
mv --no-clobber --no-target-directory "$partial" "$target" || true
[[ -e "$partial" ]] && fail "$target appeared meanwhile; this backup was not kept"
trap - EXIT
echo "backup.sh: $target ($(stat -c %s "$target") bytes)"

# Rotation: keep the newest backup of each of the last $keep_daily days, and of each of the
# last $keep_weekly ISO weeks; delete the other dated backups (only files this script names).
declare -A days=() weeks=()
mapfile -t backups < <(
    find "$dir" -maxdepth 1 -type f -regextype posix-extended \
        -regex '.*/parcours-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z\.dump(\.age)?' -printf '%f\n' |
        sort -r
)
for backup in "${backups[@]}"; do
    day="${backup:9:10}"
    week="$(date -u -d "$day" +%G-W%V)"
    keep=no
    if [[ -z "${days[$day]:-}" && ${#days[@]} -lt $keep_daily ]]; then
        days[$day]="$backup"
        keep=yes
    fi
    if [[ -z "${weeks[$week]:-}" && ${#weeks[@]} -lt $keep_weekly ]]; then
        weeks[$week]="$backup"
        keep=yes
    fi
    if [[ $keep == no ]]; then
        rm -f -- "${dir:?}/$backup"
        echo "backup.sh: rotated out $backup"
    fi
done
