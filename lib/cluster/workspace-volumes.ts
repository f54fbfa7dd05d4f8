/**
 * What happens to workspace volumes when the stack is destroyed. GitLab's workspace volumes are EBS
 * volumes the EBS CSI driver creates for PersistentVolumeClaims that agentk applies: they are not in
 * Terraform state, so `terraform destroy` leaves them, and then schedules the deletion of the KMS key
 * they are encrypted with, which makes them unreadable once the key is gone. Two constructs close this:
 * - VolumeKeyGuard (the default): destroy stops, before the key is scheduled for deletion, while volumes
 *   encrypted with it still exist, and lists them.
 * - WorkspaceVolumeCleanup (opt-in): on destroy, delete the workspaces' Deployments and claims first, so
 *   the driver deletes their volumes, and wait until it has.
 * Both run as destroy-time `local-exec` provisioners of a `terraform_data` resource, with `/bin/sh`, the
 * AWS CLI (and kubectl for the cleanup) where Terraform runs. They check for those first: every plan
 * stops with a precondition when `/bin/sh` is missing (the provisioner could not even start, and it is
 * too late to find out at destroy), and the script stops, before it deletes or lists anything, naming the
 * command that is not on PATH. (A destroy plan does not check preconditions, hence the check on every
 * normal plan: the machine that applies is the one that will destroy, as a rule.)
 */
import { dependable, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
// The label GitLab puts on every object of a workspace.
import { LABEL_AGENT_ID } from '../common/gitlab-contract';
import { TerraformData } from './terraform-data';

/** The tag the EBS CSI driver puts on every volume it creates (node root volumes do not carry it). */
export const EBS_CSI_VOLUME_TAG = 'ebs.csi.aws.com/cluster';

/**
 * Shell that sets `volumes` to the CSI-created volumes encrypted with `$KEY_ARN` in `$REGION`, one line
 * each: id, state, and the claim it was created for. (No `${` anywhere: Terraform would read it as
 * interpolation.)
 */
const LIST_VOLUMES = [
  `volumes=$(aws ec2 describe-volumes --region "$REGION" --output text \\`,
  `  --filters Name=tag:${EBS_CSI_VOLUME_TAG},Values=true Name=encrypted,Values=true \\`,
  `  --query "Volumes[?KmsKeyId=='$KEY_ARN'].[VolumeId,State,Tags[?Key=='kubernetes.io/created-for/pvc/namespace']|[0].Value,Tags[?Key=='kubernetes.io/created-for/pvc/name']|[0].Value]")`,
].join('\n');

/** Where Terraform runs the destroy-time scripts (their `local-exec` interpreter). */
export const DESTROY_SCRIPT_SHELL = '/bin/sh';

/** The plan-time check that the destroy script's shell exists on the machine that runs Terraform. */
function shellPrecondition(what: string) {
  return {
    condition: `\${fileexists("${DESTROY_SCRIPT_SHELL}")}`,
    errorMessage: `${what} runs ${DESTROY_SCRIPT_SHELL} where Terraform runs, at destroy, and this machine has no ${DESTROY_SCRIPT_SHELL}: `
      + 'run Terraform from Linux, macOS or WSL (with the AWS CLI on PATH), or destroy will fail at this step.',
  };
}

/**
 * Shell that stops the script, before it does anything, when a command it needs is not on PATH, naming
 * each missing one and what it is for. (No `${`: Terraform would read it as interpolation.)
 */
export function requireCommands(what: string, commands: ReadonlyArray<{ readonly name: string; readonly purpose: string }>, consequence: string): string {
  return [
    'missing=""',
    ...commands.map((c) => `command -v ${c.name} >/dev/null 2>&1 || missing="$missing ${c.name} (${c.purpose});"`),
    'if [ -n "$missing" ]; then',
    `  echo "${what} needs these commands on PATH where Terraform runs, and they are missing:$missing" >&2`,
    `  echo "${consequence}" >&2`,
    '  exit 1',
    'fi',
  ].join('\n');
}

const AWS_CLI = { name: 'aws', purpose: 'the AWS CLI v2, with credentials for the cluster account' };
const KUBECTL = { name: 'kubectl', purpose: 'to delete the workspaces and their claims' };

export interface VolumeKeyGuardProps {
  /** The KMS key that encrypts workspace volumes (its ARN). */
  readonly volumeKeyArn: string;
  /** The region of the volumes. */
  readonly region: string;
  /**
   * Resources that must not be destroyed while the guard refuses (the key, the cluster, the node groups):
   * the guard depends on them, so destroy checks it first.
   */
  readonly protects: ITerraformDependable[];
  /**
   * Terraform's `prevent_destroy` on the guard: every destroy of its stack stops at plan, volumes or not
   * (the ready app sets it while `cluster.allowDestroy` is false).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * Stops `destroy` while EBS volumes created by the CSI driver and encrypted with the volume key still
 * exist (a workspace that was not deleted, a claim with reclaim policy Retain), naming each volume and
 * its claim, before the key or the cluster is touched. Needs `/bin/sh` and the AWS CLI where Terraform runs
 * (checked first: a plan-time precondition for the shell, the script for the CLI).
 */
export class VolumeKeyGuard extends Construct {
  readonly resource: TerraformData;

  constructor(scope: Construct, id: string, props: VolumeKeyGuardProps) {
    super(scope, id);
    this.resource = new TerraformData(this, 'guard', {
      input: { volume_key_arn: props.volumeKeyArn, region: props.region },
      dependsOn: props.protects,
      lifecycle: { ...(props.preventDestroy && { preventDestroy: true }), precondition: [shellPrecondition('The workspace volume guard (VolumeKeyGuard)')] },
      provisioners: [{
        type: 'local-exec',
        when: 'destroy',
        interpreter: [DESTROY_SCRIPT_SHELL, '-c'],
        environment: { KEY_ARN: '${self.input.volume_key_arn}', REGION: '${self.input.region}' },
        command: [
          'set -eu',
          requireCommands('Refusing to destroy: the workspace volume guard (it lists the volumes encrypted with $KEY_ARN before the key is deleted)', [AWS_CLI],
            'Nothing has been destroyed by this step: install what is missing, and destroy again.'),
          LIST_VOLUMES,
          'if [ -n "$volumes" ]; then',
          '  echo "Refusing to destroy: these workspace volumes (EBS volume, state, namespace, claim) are encrypted with $KEY_ARN, and deleting that key would make them unreadable:" >&2',
          '  echo "$volumes" >&2',
          '  echo "Delete the workspaces in GitLab (or their PersistentVolumeClaims) first, or set storage.workspaceVolumesOnDestroy: delete; to keep the data, snapshot the volumes and copy the snapshots under another key. Then destroy again." >&2',
          '  exit 1',
          'fi',
        ].join('\n'),
      }],
    });
  }
}

export interface WorkspaceVolumeCleanupProps {
  /** The cluster name (a literal or a reference). */
  readonly clusterName: string;
  /** The cluster's region. */
  readonly region: string;
  /** The KMS key that encrypts workspace volumes (its ARN): the cleanup waits until none is left. */
  readonly volumeKeyArn: string;
  /**
   * How long to wait for the claims and then the volumes to be deleted, in seconds.
   * @default 900
   */
  readonly timeoutSeconds?: number;
  /**
   * Resources that must still exist while the cleanup runs (the StorageClass, the autoscaler): the cleanup
   * depends on them, so destroy runs it first. Whatever recreates workspaces (the GitLab agent) must
   * instead depend on the cleanup, so that it is removed before the cleanup runs.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Terraform's `prevent_destroy` on the cleanup: every destroy of its stack stops at plan, before any
   * workspace is deleted (the ready app sets it while `cluster.allowDestroy` is false).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * On destroy, deletes every workspace's Deployment and PersistentVolumeClaims (objects labelled
 * `agent.gitlab.com/id`), so the EBS CSI driver deletes their volumes (reclaim policy Delete), and waits
 * until no volume encrypted with the volume key is left. Their data is gone: this is for clusters whose
 * workspaces are disposable. Needs `/bin/sh`, the AWS CLI and kubectl where Terraform runs (checked first,
 * before anything is deleted), and the GitLab agent already removed (it would recreate the workspaces).
 */
export class WorkspaceVolumeCleanup extends Construct {
  readonly resource: TerraformData;

  constructor(scope: Construct, id: string, props: WorkspaceVolumeCleanupProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 900;
    this.resource = new TerraformData(this, 'cleanup', {
      input: { cluster_name: props.clusterName, region: props.region, volume_key_arn: props.volumeKeyArn, timeout_seconds: timeout },
      dependsOn: props.dependsOn,
      lifecycle: { ...(props.preventDestroy && { preventDestroy: true }), precondition: [shellPrecondition('The workspace volume cleanup (WorkspaceVolumeCleanup)')] },
      provisioners: [{
        type: 'local-exec',
        when: 'destroy',
        interpreter: [DESTROY_SCRIPT_SHELL, '-c'],
        environment: {
          CLUSTER: '${self.input.cluster_name}',
          REGION: '${self.input.region}',
          KEY_ARN: '${self.input.volume_key_arn}',
          TIMEOUT: '${self.input.timeout_seconds}',
        },
        command: [
          'set -eu',
          requireCommands('Refusing to destroy: the workspace volume cleanup (it deletes the workspaces of $CLUSTER and waits for their volumes)', [AWS_CLI, KUBECTL],
            'No workspace or claim has been deleted: install what is missing, and destroy again.'),
          'kubeconfig=$(mktemp)',
          'trap \'rm -f "$kubeconfig"\' EXIT',
          'aws eks update-kubeconfig --name "$CLUSTER" --region "$REGION" --kubeconfig "$kubeconfig" >/dev/null',
          // Pods first, so no claim is in use, then the claims; the driver deletes each claim's volume.
          `kubectl --kubeconfig "$kubeconfig" delete deployments --all-namespaces -l ${LABEL_AGENT_ID} --wait=true --timeout="$TIMEOUT"s`,
          `kubectl --kubeconfig "$kubeconfig" delete persistentvolumeclaims --all-namespaces -l ${LABEL_AGENT_ID} --wait=true --timeout="$TIMEOUT"s`,
          'waited=0',
          'while :; do',
          LIST_VOLUMES.replace(/^/gm, '  '),
          '  [ -z "$volumes" ] && break',
          '  if [ "$waited" -ge "$TIMEOUT" ]; then',
          '    echo "These workspace volumes encrypted with $KEY_ARN were not deleted in time (a claim outside GitLab, or reclaim policy Retain):" >&2',
          '    echo "$volumes" >&2',
          '    exit 1',
          '  fi',
          '  sleep 10',
          '  waited=$((waited + 10))',
          'done',
        ].join('\n'),
      }],
    });
  }

  /**
   * More resources that must still exist while the cleanup runs (for a stack that collects them once it
   * is complete): the cleanup depends on them, so destroy runs it before they go.
   */
  needs(...resources: ITerraformDependable[]): void {
    this.resource.dependsOn = [...(this.resource.dependsOn ?? []), ...resources.map(dependable)];
  }
}
