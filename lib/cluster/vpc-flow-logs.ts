import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { iamRoleNamePrefix } from './names';

export interface VpcFlowLogsProps {
  /** The VPC to record. */
  readonly vpcId: string;
  /** Names the log group `/aws/vpc/<name>/flow-logs` and the role (a literal, such as the cluster name). */
  readonly name: string;
  /** Retention in days. @default 30 */
  readonly retentionDays?: number;
  /** KMS key ARN for the log group. @default CloudWatch's own encryption */
  readonly kmsKeyArn?: string;
  /**
   * The account id: the role then trusts the flow-logs service only on this account's behalf
   * (`aws:SourceAccount`, against the confused deputy).
   * @default no condition
   */
  readonly accountId?: string;
  /**
   * Send the flow logs to an S3 bucket instead of a CloudWatch log group: the bucket's ARN (an existing
   * bucket whose policy lets `delivery.logs.amazonaws.com` write under `<prefix>/AWSLogs/<account>/`; it
   * keeps them by its own lifecycle rules) and an optional key prefix. No log group or IAM role is made
   * then: delivery to S3 goes through the bucket policy.
   * @default a CloudWatch log group
   */
  readonly s3?: { readonly bucketArn: string; readonly prefix?: string };
  /**
   * ALL: accepted and rejected traffic (where workspaces connected to); REJECT: refused traffic only.
   * @default 'ALL'
   */
  readonly trafficType?: 'ALL' | 'REJECT';
}

/** The log group name VpcFlowLogs writes to. */
export function flowLogGroupName(name: string): string {
  return `/aws/vpc/${name}/flow-logs`;
}

/**
 * VPC flow logs (accepted and rejected traffic, one-minute aggregation) to a CloudWatch log group
 * with retention, or to an S3 bucket: the record of where workspace pods connected to.
 */
export class VpcFlowLogs extends Construct {
  /** The log group (not with `s3`). */
  readonly logGroup?: CloudwatchLogGroup;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    if (props.s3) {
      const prefix = props.s3.prefix?.replace(/^\/+|\/+$/g, '');
      this.flowLog = new FlowLog(this, 'flow-log', {
        vpcId: props.vpcId,
        trafficType: props.trafficType ?? 'ALL',
        logDestinationType: 's3',
        logDestination: prefix ? `${props.s3.bucketArn}/${prefix}` : props.s3.bucketArn,
        maxAggregationInterval: 60,
        tags: { Name: props.name },
      });
      return;
    }
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: flowLogGroupName(props.name),
      retentionInDays: props.retentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroup = logGroup;
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: props.accountId === undefined ? undefined : [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] }],
      }],
    });
    const role = new IamRole(this, 'role', {
      namePrefix: iamRoleNamePrefix(props.name, 'flow-logs'),
      description: `VPC flow logs of ${props.name}`,
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, 'write', {
      statement: [{
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
        resources: [logGroup.arn, `${logGroup.arn}:*`],
      }],
    });
    new IamRolePolicy(this, 'write-policy', { name: 'write-flow-logs', role: role.id, policy: write.json });
    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: props.vpcId,
      trafficType: props.trafficType ?? 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: props.name },
    });
  }
}
