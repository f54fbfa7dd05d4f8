import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

export interface EncryptionKeyProps {
  /** Alias name without the `alias/` prefix, e.g. `gitlab-workspaces/eks-secrets`. */
  readonly alias: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /**
   * Days KMS waits before deleting the key after it is scheduled for deletion (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * The key policy (JSON).
   * @default KMS's default policy: the account root, so IAM policies grant use of the key
   */
  readonly policy?: string;
  /**
   * Terraform's `prevent_destroy` on the key: a destroy, or a change that would replace the key, stops at
   * plan (whatever it encrypts becomes unreadable once the key is gone).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/** A customer-managed KMS key with yearly automatic rotation on, and an alias; protected from destroy unless told otherwise. */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: props.policy,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.alias = new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }
}
