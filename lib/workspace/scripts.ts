/**
 * The shell scripts a workspace runs: the internal postStart commands GitLab inserts (start agentw,
 * clone the project, unshallow it, start sshd, start the editor, wait until the workspace is Running),
 * the runner scripts of the scripts ConfigMap, the Kubernetes postStart hooks, and the read-only git
 * credential helper. Behaviour follows GitLab's scripts (same files, names, order, exit codes and log
 * files; steps 5 and 10 of docs/gitlab-compatibility.md); the wording is ours. POSIX sh only: workspace
 * images are arbitrary.
 *
 * Every value that comes from user input goes through `shellWord` (single-quoted unless it holds only
 * characters the shell leaves alone), so a project path, URL or ref cannot break out of the script.
 */
import {
  AGENTW_TOKEN_FILE_NAME,
  CLONE_DEPTH_OPTION,
  GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME,
  SCRIPTS_VOLUME_PATH,
  VARIABLES_VOLUME_PATH,
} from '../common/gitlab-contract';

/** `it's` -> `'it'\''s'`: safe as one word in any POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Characters no POSIX shell gives a meaning to in an unquoted word (as Python's `shlex.quote` judges). */
const SHELL_SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One shell word for a value: as it is when it holds only characters the shell leaves alone (so the
 * script reads `git clone --depth 10 --branch main https://...`, as people write it), else `shellQuote`d.
 */
export function shellWord(value: string): string {
  return SHELL_SAFE_WORD.test(value) ? value : shellQuote(value);
}

/** The devfile's path variables (devfile spec: `$PROJECTS_ROOT`, `$PROJECT_SOURCE`), which every container has in its env. */
const DEVFILE_PATH_VARIABLE = /\$(?:\{(PROJECTS_ROOT|PROJECT_SOURCE)\}|(PROJECTS_ROOT|PROJECT_SOURCE)(?![A-Za-z0-9_]))/g;

/**
 * A devfile `workingDir` as one shell word: escaped as GitLab escapes it (Ruby's `Shellwords.escape`),
 * except that `$PROJECT_SOURCE` and `$PROJECTS_ROOT` (with or without braces) stay expandable, as the
 * devfile spec defines them, so `${PROJECT_SOURCE}/app` is the project's `app` directory.
 */
export function workingDirWord(dir: string): string {
  if (dir === '') return "''";
  let out = '';
  let last = 0;
  for (const m of dir.matchAll(DEVFILE_PATH_VARIABLE)) {
    out += escapeLikeRuby(dir.slice(last, m.index)) + `"\${${m[1] ?? m[2]}}"`;
    last = m.index! + m[0].length;
  }
  return out + escapeLikeRuby(dir.slice(last));
}

/** Ruby's `Shellwords.escape` on a non-empty piece: a backslash before anything unsafe, newlines quoted. */
function escapeLikeRuby(value: string): string {
  return value.replace(/[^A-Za-z0-9_\-.,:+/@\n]/g, (ch) => `\\${ch}`).replace(/\n/g, "'\n'");
}

const LOG = 'echo "$(date -Iseconds):';
const RULE = `${LOG} ----------------------------------------"`;

/** `${GL_WORKSPACE_LOGS_DIR}` or, with per-component logs (GitLab 18.5+), `${GL_WORKSPACE_LOGS_DIR}/<component>`. */
function logsDir(subdir: string | undefined): string {
  return subdir === undefined ? '${GL_WORKSPACE_LOGS_DIR}' : `\${GL_WORKSPACE_LOGS_DIR}/${subdir}`;
}

export interface CloneProjectParams {
  readonly url: string;
  readonly ref: string;
  /** Absolute directory to clone into, e.g. `/projects/app`. */
  readonly cloneDir: string;
  /** File whose presence means an earlier clone succeeded. */
  readonly markerFile: string;
}

/** Clones the project once: skipped when the marker file exists, so restarts keep the user's changes. */
export function cloneProjectScript(p: CloneProjectParams): string {
  const marker = shellWord(p.markerFile);
  const dir = shellWord(p.cloneDir);
  return `#!/bin/sh
${RULE}
${LOG} Cloning the project if it is not cloned yet..."

if [ -f ${marker} ]; then
  ${LOG} The project was cloned before; nothing to do."
  exit 0
fi

# A clone that failed half-way leaves a directory behind: start again from scratch.
if [ -d ${dir} ]; then
  ${LOG} Removing the directory of an unfinished clone"
  rm -rf ${dir}
fi

${LOG} Cloning with ${CLONE_DEPTH_OPTION}"
git clone ${CLONE_DEPTH_OPTION} --branch ${shellWord(p.ref)} ${shellWord(p.url)} ${dir}
exit_code=$?

if [ "\${exit_code}" -eq 0 ]; then
  touch ${marker}
  # A shallow single-branch clone: let 'git fetch' see every branch.
  if cd ${dir} && git remote set-branches origin '*' && git fetch origin; then
    ${LOG} Remote branches are tracked"
  else
    ${LOG} Warning: could not fetch the remote branches" >&2
  fi
  ${LOG} The project was cloned"
else
  ${LOG} Cloning failed with exit code \${exit_code}" >&2
fi
${RULE}
exit "\${exit_code}"
`;
}

/**
 * Fetches the full history of a shallow clone in the background, logging to `clone-unshallow.log` in the
 * logs directory (the main component's, with per-component logs).
 */
export function cloneUnshallowScript(p: { readonly cloneDir: string; readonly markerFile: string; readonly logsSubdir?: string }): string {
  return `#!/bin/sh
${RULE}
if [ ! -f ${shellWord(p.markerFile)} ]; then
  ${LOG} The project was not cloned; nothing to unshallow"
  exit 0
fi
cd ${shellWord(p.cloneDir)} || exit 0
if [ "$(git rev-parse --is-shallow-repository)" != "true" ]; then
  ${LOG} The repository has its full history already"
  exit 0
fi
log_file="${logsDir(p.logsSubdir)}/clone-unshallow.log"
mkdir -p "$(dirname "\${log_file}")"
${LOG} Fetching the full history in the background; output goes to \${log_file}"
{
  if git fetch --unshallow --progress 2>&1; then
    ${LOG} Unshallow finished"
  else
    ${LOG} Unshallow failed with exit code $?"
  fi
} >> "\${log_file}" 2>&1 &
exit 0
`;
}

/** Starts sshd on `GL_SSH_PORT` when the image has one (log: `start-sshd.log`); a workspace without sshd still starts. */
export function startSshdScript(logsSubdir?: string): string {
  return `#!/bin/sh
${RULE}
log_file="${logsDir(logsSubdir)}/start-sshd.log"
sshd_path=$(command -v sshd)
if [ -x "\${sshd_path}" ]; then
  mkdir -p "$(dirname "\${log_file}")"
  ${LOG} Starting \${sshd_path} on port \${GL_SSH_PORT}; output goes to \${log_file}"
  "\${sshd_path}" -D -p "\${GL_SSH_PORT}" >> "\${log_file}" 2>&1 &
else
  ${LOG} No sshd in this image: SSH access is not available" >&2
fi
`;
}

/**
 * Starts the editor the tools injector copied to `GL_TOOLS_DIR`, on `GL_VSCODE_PORT`, in the background,
 * with its output in `start-vscode.log`. With `GL_VSCODE_ENABLE_MARKETPLACE=true` it first writes the
 * instance's extension gallery (the `GL_VSCODE_EXTENSION_MARKETPLACE_*` URLs, Open VSX when unset) into
 * the editor's product.json; with `GL_VSCODE_IGNORE_VERSION_MISMATCH=true` it drops the product's
 * commit so a client of another version may connect. Exits 1 only when `GL_TOOLS_DIR` is not set.
 */
export function initToolsScript(logsSubdir?: string): string {
  return `#!/bin/sh
log_file="${logsDir(logsSubdir)}/start-vscode.log"
${RULE}
${LOG} Starting the editor in the background; output goes to \${log_file}"
mkdir -p "$(dirname "\${log_file}")"
exec >> "\${log_file}" 2>&1

if [ -z "\${GL_TOOLS_DIR}" ]; then
  ${LOG} GL_TOOLS_DIR is not set: the tools injector did not run"
  exit 1
fi
: "\${GL_VSCODE_LOG_LEVEL:=info}"
: "\${GL_VSCODE_PORT:=60001}"
# Open VSX unless the instance says otherwise (the URL templates hold braces: no \${VAR:=...} here).
if [ -z "\${GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL}" ]; then
  GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL='https://open-vsx.org/vscode/gallery'
fi
if [ -z "\${GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL}" ]; then
  GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL='https://open-vsx.org/vscode/item'
fi
if [ -z "\${GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE}" ]; then
  GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE='https://open-vsx.org/api/{publisher}/{name}/{version}/file/{path}'
fi
product_json="\${GL_TOOLS_DIR}/vscode-reh-web/product.json"

if [ "\${GL_VSCODE_IGNORE_VERSION_MISMATCH}" = true ]; then
  # Without its commit the server accepts a web client of another version.
  grep -v '"commit"' "\${product_json}" > "\${product_json}.tmp" && mv "\${product_json}.tmp" "\${product_json}"
  ${LOG} Removed the commit from \${product_json}"
fi

if [ "\${GL_VSCODE_ENABLE_MARKETPLACE}" = true ]; then
  # The product's first line is its opening brace: put the gallery right after it.
  {
    printf '{\\n\\t"extensionsGallery": {\\n'
    printf '\\t\\t"serviceUrl": "%s",\\n' "\${GL_VSCODE_EXTENSION_MARKETPLACE_SERVICE_URL}"
    printf '\\t\\t"itemUrl": "%s",\\n' "\${GL_VSCODE_EXTENSION_MARKETPLACE_ITEM_URL}"
    printf '\\t\\t"resourceUrlTemplate": "%s"\\n\\t},\\n' "\${GL_VSCODE_EXTENSION_MARKETPLACE_RESOURCE_URL_TEMPLATE}"
    tail -n +2 "\${product_json}"
  } > "\${product_json}.tmp" && mv "\${product_json}.tmp" "\${product_json}"
  ${LOG} Added the extension gallery to \${product_json}"
fi
${LOG} \${product_json} is now:"
cat "\${product_json}"
echo

${LOG} Starting the editor on 0.0.0.0:\${GL_VSCODE_PORT}, log level \${GL_VSCODE_LOG_LEVEL}, no connection token, workspace trust off"
"\${GL_TOOLS_DIR}/vscode-reh-web/bin/gitlab-webide-server" \\
  --host 0.0.0.0 \\
  --port "\${GL_VSCODE_PORT}" \\
  --log "\${GL_VSCODE_LOG_LEVEL}" \\
  --without-connection-token \\
  --disable-workspace-trust &
${LOG} The editor is starting in the background"
${RULE}
`;
}

/**
 * Starts the agent for workspaces (agentw) from `GL_TOOLS_DIR`, connected to the agent server with the
 * workspace token, in the background; output in `start-agentw.log`. Exits 1 when a variable it needs
 * is not set.
 */
export function startAgentwScript(): string {
  return `#!/bin/sh
log_file="\${GL_WORKSPACE_LOGS_DIR}/start-agentw.log"
${RULE}
${LOG} Starting the agent for workspaces (agentw) in the background; output goes to \${log_file}"
mkdir -p "$(dirname "\${log_file}")"
exec >> "\${log_file}" 2>&1

require_set() {
  if [ -z "$2" ]; then
    ${LOG} $1 is not set"
    exit 1
  fi
}
require_set GL_TOOLS_DIR "\${GL_TOOLS_DIR}"
require_set GL_GITLAB_AGENT_SERVER_ADDRESS "\${GL_GITLAB_AGENT_SERVER_ADDRESS}"
require_set GL_AGENTW_TOKEN_FILE_PATH "\${GL_AGENTW_TOKEN_FILE_PATH}"
require_set GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS "\${GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS}"

${LOG} agentw connects to \${GL_GITLAB_AGENT_SERVER_ADDRESS} with the token in \${GL_AGENTW_TOKEN_FILE_PATH}; observability on \${GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS}"
"\${GL_TOOLS_DIR}/agentw" \\
  --kas-address "\${GL_GITLAB_AGENT_SERVER_ADDRESS}" \\
  --token-file "\${GL_AGENTW_TOKEN_FILE_PATH}" \\
  --observability-listen-address "\${GL_AGENTW_OBSERVABILITY_LISTEN_ADDRESS}" &
${LOG} agentw is starting in the background"
${RULE}
`;
}

/**
 * Holds back the user's postStart commands until GitLab reports the workspace Running (GitLab writes the
 * state into a file of the variables Secret on every reconcile).
 */
export function sleepUntilRunningScript(stateFile: string): string {
  const file = shellQuote(stateFile);
  return `#!/bin/sh
${RULE}
${LOG} Waiting until the workspace is Running..."
while [ "$(cat ${file} 2>/dev/null)" != "Running" ]; do
  ${LOG} The workspace is '$(cat ${file} 2>/dev/null)'; checking again in 5 seconds"
  sleep 5
done
${LOG} The workspace is Running"
`;
}

/** One step of a runner: a command script of the scripts volume, run in `cd` (a shell word) when given. */
export interface RunnerStep {
  /** Absolute path of the command's script, e.g. `/workspace-scripts/app/build`. */
  readonly script: string;
  /** The directory to run it in, as a shell word (`workingDirWord`), or none: the container's own. */
  readonly cd?: string;
}

/**
 * A runner: runs each command script in turn (in a subshell in its directory, when it has one). A
 * failing command never stops the runner (`|| true`): a failed postStart hook would kill the container
 * and hide the logs.
 */
export function runnerScript(steps: readonly (RunnerStep | string)[]): string {
  const lines = steps.map((s) => {
    const { script, cd } = typeof s === 'string' ? { script: s.startsWith('/') ? s : `${SCRIPTS_VOLUME_PATH}/${s}`, cd: undefined } : s;
    const run = cd === undefined ? script : `(cd ${cd} && ${script})`;
    return `${RULE}
${LOG} Running ${script}..."
${run} || true
${LOG} Finished ${script}"
`;
  });
  return `#!/bin/sh\n${lines.join('')}`;
}

const HOOK_PREAMBLE = (logs: string) => `#!/bin/sh
mkdir -p "${logs}"
ln -sf "\${GL_WORKSPACE_LOGS_DIR}" /tmp
`;

/**
 * The postStart hook of a workspace whose commands carry no `gl-internal-blocking` label (created before
 * GitLab labelled its own): runs the one runner, blocking, logging to the logs directory.
 */
export function legacyPostStartHookScript(runner: string): string {
  const logs = '${GL_WORKSPACE_LOGS_DIR}';
  return `${HOOK_PREAMBLE(logs)}"${runner}" 1>>"${logs}/poststart-stdout.log" 2>>"${logs}/poststart-stderr.log"
`;
}

/**
 * The postStart hook of GitLab before 18.5, the same in every container a postStart command names: the
 * blocking runner, then the non-blocking one in the background, output appended to the logs directory.
 * Never fails, so a broken command cannot stop the container.
 */
export function postStartHookScript(blockingRunner: string, nonBlockingRunner: string): string {
  return componentPostStartHookScript({ logsDir: '${GL_WORKSPACE_LOGS_DIR}', blockingRunner, nonBlockingRunner });
}

/**
 * The postStart hook of one container (GitLab 18.5+): the main component's runs the blocking runner
 * (GitLab's own commands) first; every container then runs its own non-blocking runner in the
 * background. Output goes to `poststart-stdout.log` / `poststart-stderr.log` in `logsDir`.
 */
export function componentPostStartHookScript(p: { readonly logsDir: string; readonly blockingRunner?: string; readonly nonBlockingRunner: string }): string {
  const out = `"${p.logsDir}/poststart-stdout.log"`;
  const err = `"${p.logsDir}/poststart-stderr.log"`;
  const blocking = p.blockingRunner === undefined ? '' : `
${LOG} Running the internal blocking postStart commands" >> ${out}
"${p.blockingRunner}" 1>>${out} 2>>${err}
`;
  return `${HOOK_PREAMBLE(p.logsDir)}${blocking}
${LOG} Running the other postStart commands in the background" >> ${out}
"${p.nonBlockingRunner}" 1>>${out} 2>>${err} &
exit 0
`;
}

/**
 * A read-only git credential helper: answers `get` with the workspace token from the file named by
 * `GL_TOKEN_FILE_PATH`; ignores `store` and `erase`.
 */
export function gitCredentialStoreScript(): string {
  return `#!/bin/sh
# Read-only: git may ask to store or erase credentials; there is nothing to do.
if [ "$1" != "get" ]; then
  exit 0
fi
if [ -z "\${GL_TOKEN_FILE_PATH}" ]; then
  echo "GL_TOKEN_FILE_PATH is not set" >&2
  exit 1
fi
echo "username=oauth2"
echo "password=$(cat "\${GL_TOKEN_FILE_PATH}")"
exit 0
`;
}

/** Where the credential helper lives inside the containers. */
export const GIT_CREDENTIAL_STORE_SCRIPT_PATH = `${VARIABLES_VOLUME_PATH}/${GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME}`;
/** Where the agent for workspaces reads its token from. */
export const AGENTW_TOKEN_FILE_PATH = `${VARIABLES_VOLUME_PATH}/${AGENTW_TOKEN_FILE_NAME}`;
