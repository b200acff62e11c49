#!/bin/bash
# restore.sh — restore a backup of Parcours into a new database. docs/backup.md.
#
#   sudo -u postgres /srv/parcours/deploy/restore.sh [--owner ROLE] BACKUP NEW_DATABASE
#
# BACKUP is a file made by backup.sh (parcours-….dump, or parcours-….dump.age with
# PARCOURS_BACKUP_AGE_IDENTITY naming the private key file), or - to read it from standard input,
# since the postgres user cannot read the backup folder (0700, parcours):
#
#   sudo cat /var/backups/parcours/parcours-….dump | sudo -u postgres restore.sh --owner parcours - NEW_DATABASE
#   sudo age -d -i KEY_FILE …dump.age | sudo -u postgres restore.sh --owner parcours - NEW_DATABASE
# NEW_DATABASE must not exist yet: it
# is created, owned by ROLE (default parcours, the role the app connects as), and every object
# restored is owned by ROLE too (--no-owner --role), whoever made the dump. Connects as
# PostgreSQL's administrator through the usual PG* variables (by default postgres over the local
# socket). Stops at the first error, in one transaction: it restores all or nothing.
# An encrypted backup is decrypted into the pipe, never to disk. Then run restore-check.sh.
set -euo pipefail
umask 077

fail() {
    echo "restore.sh: FAILED: $*" >&2
    exit 1
}

owner=parcours
if [[ "${1:-}" == --owner ]]; then
    owner="${2:-}"
    shift 2 || true
fi
[[ $# -eq 2 && -n "$owner" ]] || fail "usage: restore.sh [--owner ROLE] BACKUP NEW_DATABASE"
backup="$1"
database="$2"
[[ "$backup" == - || -r "$backup" ]] || fail "cannot read $backup"

if [[ "$backup" == *.age ]]; then
    identity="${PARCOURS_BACKUP_AGE_IDENTITY:-}"
    [[ -r "$identity" ]] || fail "$backup is encrypted: set PARCOURS_BACKUP_AGE_IDENTITY to the private key file"
    command -v age >/dev/null || fail "age is not installed (apt install age)"
fi

exists="$(psql -X -At -d postgres -v ON_ERROR_STOP=1 \
    -c "SELECT count(*) FROM pg_database WHERE datname = '${database//\'/\'\'}'")"
[[ "$exists" == 0 ]] || fail "database $database exists already: restore into a new one"
createdb --owner="$owner" "$database"

if [[ "$backup" == *.age ]]; then
    age --decrypt --identity "$identity" "$backup" |
        pg_restore --no-owner --role="$owner" --exit-on-error --single-transaction \
            --dbname="$database" ||
        fail "the restore into $database failed (the empty database is left for inspection)"
else
    # A file name, or none: pg_restore then reads standard input.
    [[ "$backup" == - ]] && backup_args=() || backup_args=("$backup")
    pg_restore --no-owner --role="$owner" --exit-on-error --single-transaction \
        --dbname="$database" "${backup_args[@]}" ||
        fail "the restore into $database failed (the empty database is left for inspection)"
fi
echo "restore.sh: $backup restored into $database, owned by $owner"
