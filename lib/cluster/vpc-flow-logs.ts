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
}

/** The log group name VpcFlowLogs writes to. */
export function flowLogGroupName(name: string): string {
  return `/aws/vpc/${name}/flow-logs`;
}

/**
 * VPC flow logs (accepted and rejected traffic, one-minute aggregation) to a CloudWatch log group
 * with retention: the record of where workspace pods connected to.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: flowLogGroupName(props.name),
      retentionInDays: props.retentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });
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
        resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
      }],
    });
    new IamRolePolicy(this, 'write-policy', { name: 'write-flow-logs', role: role.id, policy: write.json });
    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: props.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: props.name },
    });
  }
}
