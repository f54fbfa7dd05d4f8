/**
 * The shell scripts a workspace runs: the internal postStart commands GitLab inserts (clone the
 * project, unshallow it, start sshd, start the editor, wait until the workspace is Running), the two
 * runner scripts of the scripts ConfigMap, the Kubernetes postStart hook, and the read-only git
 * credential helper. Behaviour follows GitLab's scripts (steps 4 and 10 of docs/gitlab-compatibility.md);
 * the wording is ours. POSIX sh only: workspace images are arbitrary.
 *
 * Every value that comes from user input goes through `shellWord` (single-quoted unless it holds only
 * characters the shell leaves alone), so a project path, URL or ref cannot break out of the script.
 */
import {
  CLONE_DEPTH_OPTION,
  GIT_CREDENTIAL_STORE_SCRIPT_FILE_NAME,
  SCRIPTS_VOLUME_PATH,
  VARIABLES_VOLUME_PATH,
} from './constants';

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

const LOG = 'echo "$(date -Iseconds):';
const RULE = `${LOG} ----------------------------------------"`;

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

/** Fetches the full history of a shallow clone in the background, logging to the logs directory. */
export function cloneUnshallowScript(p: { readonly cloneDir: string; readonly markerFile: string }): string {
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
log_file="\${GL_WORKSPACE_LOGS_DIR}/clone-unshallow.log"
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

/** Starts sshd on `GL_SSH_PORT` when the image has one; a workspace without sshd still starts. */
export function startSshdScript(): string {
  return `#!/bin/sh
${RULE}
sshd_path=$(command -v sshd)
if [ -x "\${sshd_path}" ]; then
  ${LOG} Starting \${sshd_path} on port \${GL_SSH_PORT}; output goes to \${GL_WORKSPACE_LOGS_DIR}/start-sshd.log"
  "\${sshd_path}" -D -p "\${GL_SSH_PORT}" >> "\${GL_WORKSPACE_LOGS_DIR}/start-sshd.log" 2>&1 &
else
  ${LOG} No sshd in this image: SSH access is not available" >&2
fi
`;
}

/** Starts the editor the tools injector copied to `GL_TOOLS_DIR`, on `GL_VSCODE_PORT`, in the background. */
export function initToolsScript(): string {
  return `#!/bin/sh
${RULE}
log_file="\${GL_WORKSPACE_LOGS_DIR}/start-editor.log"
server="\${GL_TOOLS_DIR}/vscode-reh-web/bin/gitlab-webide-server"
if [ ! -x "\${server}" ]; then
  ${LOG} The editor is missing at \${server}: did the tools injector init container run?" >&2
  exit 1
fi
${LOG} Starting the editor on port \${GL_VSCODE_PORT:-60001}; output goes to \${log_file}"
"\${server}" \\
  --host 0.0.0.0 \\
  --port "\${GL_VSCODE_PORT:-60001}" \\
  --log "\${GL_VSCODE_LOG_LEVEL:-info}" \\
  --without-connection-token \\
  --disable-workspace-trust >> "\${log_file}" 2>&1 &
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

/**
 * A runner: runs each command script of the scripts volume in turn. A failing command never stops the
 * runner (`|| true`): a failed postStart hook would kill the container and hide the logs.
 */
export function runnerScript(commandIds: readonly string[]): string {
  const steps = commandIds.map((id) => {
    const script = `${SCRIPTS_VOLUME_PATH}/${id}`;
    return `${RULE}
${LOG} Running ${script}..."
${script} || true
${LOG} Finished ${script}"
`;
  });
  return `#!/bin/sh\n${steps.join('')}`;
}

/**
 * The Kubernetes postStart hook of every container a postStart command names: runs the blocking
 * runner, then the non-blocking one in the background, with output appended to the logs directory.
 * Never fails, so a broken command cannot stop the container.
 */
export function postStartHookScript(blockingRunner: string, nonBlockingRunner: string): string {
  const out = '"${GL_WORKSPACE_LOGS_DIR}/poststart-stdout.log"';
  const err = '"${GL_WORKSPACE_LOGS_DIR}/poststart-stderr.log"';
  return `#!/bin/sh
mkdir -p "\${GL_WORKSPACE_LOGS_DIR}"
ln -sf "\${GL_WORKSPACE_LOGS_DIR}" /tmp

${LOG} Running the internal blocking postStart commands" >> ${out}
"${SCRIPTS_VOLUME_PATH}/${blockingRunner}" 1>>${out} 2>>${err}

${LOG} Running the other postStart commands in the background" >> ${out}
"${SCRIPTS_VOLUME_PATH}/${nonBlockingRunner}" 1>>${out} 2>>${err} &
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
