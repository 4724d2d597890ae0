#!/usr/bin/env bash
# The `diff` mode of the sdiagram GitHub Action: compare the blueprints a pull
# request changes with its base branch, write the Markdown diff (with the lint
# findings introduced, resolved and still open) to the job summary, and
# optionally post or update one pull-request comment.
#
# action.yml runs this file; tests/test_action.py runs the same file in a
# temporary git repository with a fake `gh`.
#
# Environment (set by action.yml from its inputs and the event):
#   SDIAGRAM_BASE   base revision; default origin/$GITHUB_BASE_REF (pull_request events)
#   DIFF_PATHS      blueprint files or folders, space-separated (default: the whole repository)
#   RENAMES         "true": pair renamed components and groups by similarity
#   DIFF_FILE       where the Markdown report is written (default sdiagram-diff.md)
#   COMMENT         "true": post the report as a PR comment, or update the one posted before
#   PR_NUMBER       the pull request's number (comments only)
#   GH_TOKEN        token for `gh api` (comments only; needs `pull-requests: write`)
#   GITHUB_REPOSITORY, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_SERVER_URL, GITHUB_RUN_ID: set by the runner
set -uo pipefail

marker='<!-- sdiagram-diff -->'
report="${DIFF_FILE:-sdiagram-diff.md}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
max_comment=65000  # GitHub refuses comment bodies over 65,536 characters

base="${SDIAGRAM_BASE:-}"
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  base="origin/${GITHUB_BASE_REF}"
fi
if [ -z "$base" ]; then
  echo "::error::sdiagram diff mode needs a pull_request event or the 'base' input"
  exit 2
fi
# actions/checkout fetches only the head: fetch the base branch when it is missing
if ! git rev-parse --verify --quiet "${base}^{commit}" > /dev/null && [[ "$base" == origin/* ]]; then
  git fetch --no-tags --quiet origin "+refs/heads/${base#origin/}:refs/remotes/${base}" \
    || echo "::warning::could not fetch ${base}"
fi

args=(diff --base "$base" --format markdown --output "$report" --exit-code)
if [ "${RENAMES:-true}" = "true" ]; then
  args+=(--renames)
fi
# word splitting of DIFF_PATHS is intended (several paths)
# shellcheck disable=SC2086
sdiagram "${args[@]}" ${DIFF_PATHS:-}
status=$?
case "$status" in
  0) changed=false ;;
  1) changed=true ;;
  *)
    echo "::error::sdiagram diff failed with exit status ${status} (invalid blueprint or base; see above)"
    exit "$status"
    ;;
esac

cat "$report" >> "$summary"
{
  echo "changed=${changed}"
  echo "diff-file=${report}"
} >> "$outputs"

if [ "${COMMENT:-false}" != "true" ]; then
  exit 0
fi
if [ -z "${PR_NUMBER:-}" ]; then
  echo "::notice::not a pull request: no comment posted"
  exit 0
fi

body="$report"
if [ "$(wc -c < "$report")" -gt "$max_comment" ]; then
  body="$(mktemp)"
  {
    head -n 2 "$report"
    echo
    echo "The full diff is too long for a comment: see the job summary of" \
      "${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID:-}."
  } > "$body"
fi

comments="repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments"
if ! existing="$(gh api --paginate "$comments" \
    --jq ".[] | select(.body | startswith(\"${marker}\")) | .id")"; then
  echo "::warning::could not read the pull request's comments (a pull request from a fork gets a read-only token)"
  exit 0
fi
existing="${existing%%$'\n'*}"  # the first one
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${existing}" -F "body=@${body}" > /dev/null \
    && echo "updated comment ${existing}" \
    || echo "::warning::could not update the pull request comment"
elif [ "$changed" = "true" ]; then
  gh api --method POST "$comments" -F "body=@${body}" > /dev/null \
    && echo "posted a comment on #${PR_NUMBER}" \
    || echo "::warning::could not post the pull request comment (needs pull-requests: write)"
fi
exit 0
