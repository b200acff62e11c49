#!/bin/bash
# restore-check.sh — prove that a restored database holds the data. docs/backup.md.
#
#   sudo -u postgres /srv/parcours/deploy/restore-check.sh [--owner ROLE] [--compare-with SOURCE] RESTORED
#
# Fails (non-zero status, FAILED on standard error) unless:
#   - RESTORED exists and has the main tables of Parcours, each owned by OWNER (default parcours);
#   - the audit log's append-only trigger is there and enabled (audit/migrations/0002);
#   - with --compare-with SOURCE (the database the backup was taken from): every table has the same number of
#     rows in both. Compare right after backup and restore, while nobody works (the test does);
#     against a live database, the tables that changed meanwhile are listed as differences.
# Prints the row count of every table. Connects like psql (PG* variables, default socket).
set -euo pipefail

fail() {
    echo "restore-check.sh: FAILED: $*" >&2
    exit 1
}

usage="usage: restore-check.sh [--owner ROLE] [--compare-with SOURCE] RESTORED"
owner=parcours
source=""
while [[ $# -gt 1 ]]; do
    case "$1" in
        --owner) owner="$2" ;;
        --compare-with) source="$2" ;;
        *) fail "$usage" ;;
    esac
    shift 2
done
[[ $# -eq 1 && "$1" != -* ]] || fail "$usage"
restored="$1"

sql() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

counts() {
    local query
    query="$(sql "$1" "SELECT string_agg(format('SELECT %L, count(*) FROM public.%I', tablename, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")"
    [[ -n "$query" ]] || return 0
    sql "$1" "$query ORDER BY 1"
}

sql "$restored" "SELECT 1" >/dev/null || fail "cannot open database $restored (does it exist?)"

for table in auth_user programme_organisation programme_staff participants_participant \
    participants_enrolment audit_event django_migrations; do
    table_owner="$(sql "$restored" "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = '$table'")"
    [[ -n "$table_owner" ]] || fail "$restored has no table $table: not a Parcours database"
    [[ "$table_owner" == "$owner" ]] || fail "$table in $restored belongs to $table_owner, not $owner"
done

trigger="$(sql "$restored" "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_append_only' AND tgrelid = 'public.audit_event'::regclass")"
[[ "$trigger" == "O" ]] || fail "the audit log's append-only trigger is missing or disabled in $restored"

restored_counts="$(counts "$restored")"
[[ -n "$restored_counts" ]] || fail "$restored has no tables"
if [[ -z "$source" ]]; then
    echo "$restored_counts" | tr '|' '\t'
    echo "restore-check.sh: $restored has the tables of Parcours and the audit trigger (no source to compare with)"
    exit 0
fi

source_counts="$(counts "$source")" || fail "cannot count the rows of $source"
if ! differences="$(diff <(echo "$source_counts") <(echo "$restored_counts"))"; then
    echo "$differences" >&2
    fail "row counts differ between $source (<) and $restored (>)"
fi
echo "$restored_counts" | tr '|' '\t'
echo "restore-check.sh: $restored holds as many rows as $source in each of its $(echo "$restored_counts" | wc -l) tables, and the audit trigger"
