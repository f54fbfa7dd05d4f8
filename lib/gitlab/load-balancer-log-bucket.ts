import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';

/** Longest `bucket_prefix` the AWS provider accepts (it adds 26 characters to reach S3's 63). */
export const BUCKET_PREFIX_MAX = 37;
/** The service that delivers Network Load Balancer access logs to S3 (AWS's "Enable access logs for your Network Load Balancer"). */
export const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';

export interface LoadBalancerLogBucketProps {
  /** The bucket name's prefix (Terraform adds a unique suffix): lowercase letters, digits and hyphens, at most 37. */
  readonly bucketPrefix: string;
  /**
   * Where in the bucket the load balancer writes (`<prefix>/AWSLogs/<account>/...`); must not contain `AWSLogs`.
   * @default the bucket's root
   */
  readonly logPrefix?: string;
  /**
   * Days the logs are kept before S3 deletes them.
   * @default 90
   */
  readonly retentionDays?: number;
  /** The load balancer's account id. @default read with aws_caller_identity */
  readonly accountId?: string;
  /** The load balancer's region (the bucket's: they must be the same). @default the provider's, read with aws_region */
  readonly region?: string;
  /** The AWS partition. @default read with aws_partition */
  readonly partition?: string;
}

/**
 * An S3 bucket for a Network Load Balancer's access logs (its TLS listeners' connections: client address,
 * TLS version and cipher, bytes): public access blocked, ACLs off (bucket owner enforced), encrypted with
 * S3-managed keys, logs deleted after `retentionDays`, HTTPS-only, and a bucket policy that lets only the
 * log delivery service write, only under `<logPrefix>/AWSLogs/<account>/`, only for log sources of this
 * account and region (`aws:SourceAccount`, `aws:SourceArn`), as AWS's NLB access log documentation gives
 * it. Pass `bucketName` to the load balancer: it refers to the policy, so the load balancer waits for it
 * (ELB checks that it may write when logging is turned on). Destroy removes the bucket with its logs.
 */
export class LoadBalancerLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  /** The bucket's name, through its policy: whatever refers to it waits for the policy. */
  readonly bucketName: string;
  /** The log prefix, as the load balancer's `access_logs.prefix` takes it. */
  readonly logPrefix?: string;

  constructor(scope: Construct, id: string, props: LoadBalancerLogBucketProps) {
    super(scope, id);
    if (Token.isUnresolved(props.bucketPrefix) || !/^[a-z0-9][a-z0-9-]*$/.test(props.bucketPrefix) || props.bucketPrefix.length > BUCKET_PREFIX_MAX) {
      throw new Error(`LoadBalancerLogBucket: bucketPrefix ${JSON.stringify(props.bucketPrefix)} must be a literal of lowercase letters, digits and hyphens, at most ${BUCKET_PREFIX_MAX} characters`);
    }
    if (props.logPrefix !== undefined && (props.logPrefix.includes('AWSLogs') || /^\/|\/$/.test(props.logPrefix))) {
      throw new Error(`LoadBalancerLogBucket: logPrefix ${JSON.stringify(props.logPrefix)} must not contain AWSLogs (ELB adds it) nor start or end with a slash`);
    }
    const accountId = props.accountId ?? new DataAwsCallerIdentity(this, 'account').accountId;
    const region = props.region ?? new DataAwsRegion(this, 'region').region;
    const partition = props.partition ?? new DataAwsPartition(this, 'partition').partition;
    this.logPrefix = props.logPrefix;

    this.bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      // Logs are not kept past the stack, as the stack's CloudWatch log groups are not.
      forceDestroy: true,
      tags: { Name: `${props.bucketPrefix.replace(/-+$/, '')} access logs` },
    });
    const access = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    const ownership = new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'retention', {
      bucket: this.bucket.id,
      rule: [{
        id: 'expire-access-logs',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: props.retentionDays ?? 90 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
      }],
    });

    const logSources = [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] }, { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:${partition}:logs:${region}:${accountId}:*`] }];
    const objects = `${this.bucket.arn}/${props.logPrefix ? `${props.logPrefix}/` : ''}AWSLogs/${accountId}/*`;
    const document = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: [
        {
          sid: 'AWSLogDeliveryAclCheck',
          principals: [{ type: 'Service', identifiers: [LOG_DELIVERY_SERVICE] }],
          actions: ['s3:GetBucketAcl'],
          resources: [this.bucket.arn],
          condition: logSources,
        },
        {
          sid: 'AWSLogDeliveryWrite',
          principals: [{ type: 'Service', identifiers: [LOG_DELIVERY_SERVICE] }],
          actions: ['s3:PutObject'],
          resources: [objects],
          condition: [{ test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }, ...logSources],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    // After the public access block and ownership controls, which S3 applies to the bucket first.
    this.policy = new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: document.json, dependsOn: [access, ownership] });
    this.bucketName = this.policy.bucket;
  }
}
