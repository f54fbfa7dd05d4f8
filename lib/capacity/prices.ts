/**
 * The AWS list prices (USD, on-demand, Linux) the idle-cost estimate uses: a dated table, no network calls.
 * Prices change: the date says when the table was written, each figure names the page it is published on,
 * and a region or instance type missing here is said to be missing, never guessed.
 *
 * Provenance: transcribed from the AWS pricing pages below as they stood on PRICES_AS_OF (not fetched by
 * this code, and not re-fetched in the environment this table was written in: US East NAT gateway figures
 * cross-checked against third-party copies of the VPC pricing page). Check a figure on its page before
 * using it for a budget. Only figures the author was sure of are here: in the European regions, EC2 prices for
 * the m5, m6i and m7i families only (another type gets "no price", not a guess). Flow logs to S3 are priced at
 * the first vended-logs tier, $0.25/GB, in all three regions.
 */

/** When the figures were written down. */
export const PRICES_AS_OF = '2026-12-07';

/** Hours in the month AWS bills by (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Where each figure is published. */
export const PRICE_SOURCES = {
  eks: 'https://aws.amazon.com/eks/pricing/',
  natGateway: 'https://aws.amazon.com/vpc/pricing/',
  publicIpv4: 'https://aws.amazon.com/vpc/pricing/',
  nlb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  ebs: 'https://aws.amazon.com/ebs/pricing/',
  cloudwatchLogs: 'https://aws.amazon.com/cloudwatch/pricing/',
  flowLogs: 'https://aws.amazon.com/cloudwatch/pricing/ (Vended Logs)',
  kms: 'https://aws.amazon.com/kms/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
} as const;

export interface RegionPrices {
  /** EKS cluster, standard support, per hour. */
  readonly eksClusterHour: number;
  /** EKS cluster in extended support, per hour. */
  readonly eksExtendedClusterHour: number;
  readonly natGatewayHour: number;
  readonly natGatewayGb: number;
  /** A public IPv4 address (a NAT gateway's Elastic IP, an internet-facing NLB's per zone), per hour. */
  readonly publicIpv4Hour: number;
  readonly nlbHour: number;
  /** Per NLCU-hour. */
  readonly nlbLcuHour: number;
  /** EBS gp3, per GB-month (baseline 3,000 IOPS and 125 MiB/s included). */
  readonly gp3GbMonth: number;
  /** CloudWatch Logs standard ingestion, per GB. */
  readonly logsIngestGb: number;
  /** CloudWatch Logs storage, per GB-month (compressed). */
  readonly logsStoreGbMonth: number;
  /** VPC flow logs delivered to CloudWatch Logs (vended logs, first 10 TB), per GB. */
  readonly flowLogsCloudWatchGb: number;
  /** VPC flow logs delivered to S3 (vended logs, first 10 TB), per GB. */
  readonly flowLogsS3Gb: number;
  /** On-demand Linux price per hour, by instance type. */
  readonly ec2Hour: Readonly<Record<string, number>>;
}

/** A customer managed KMS key, per month (every region). */
export const KMS_KEY_MONTH = 1;
/** A Route 53 hosted zone, per month (the first 25). */
export const HOSTED_ZONE_MONTH = 0.5;

/** Per-hour prices of a family's sizes from its `large` price (each size doubles, as AWS prices them). */
function family(name: string, large: number): Record<string, number> {
  const sizes: ReadonlyArray<readonly [string, number]> = [['large', 1], ['xlarge', 2], ['2xlarge', 4], ['4xlarge', 8], ['8xlarge', 16], ['12xlarge', 24], ['16xlarge', 32]];
  return Object.fromEntries(sizes.map(([size, factor]) => [`${name}.${size}`, Math.round(large * factor * 10000) / 10000]));
}

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    natGatewayHour: 0.045, natGatewayGb: 0.045, publicIpv4Hour: 0.005,
    nlbHour: 0.0225, nlbLcuHour: 0.006,
    gp3GbMonth: 0.08,
    logsIngestGb: 0.50, logsStoreGbMonth: 0.03, flowLogsCloudWatchGb: 0.50, flowLogsS3Gb: 0.25,
    ec2Hour: {
      ...family('m5', 0.096), ...family('m6i', 0.096), ...family('m6a', 0.0864), ...family('m7i', 0.1008),
      ...family('m7a', 0.11592), ...family('m6g', 0.077), ...family('m7g', 0.0816),
      ...family('c6i', 0.085), ...family('c7i', 0.08925), ...family('r6i', 0.126), ...family('r7i', 0.1323),
    },
  },
  'eu-west-1': {
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    natGatewayHour: 0.048, natGatewayGb: 0.048, publicIpv4Hour: 0.005,
    nlbHour: 0.0252, nlbLcuHour: 0.006,
    gp3GbMonth: 0.088,
    logsIngestGb: 0.57, logsStoreGbMonth: 0.03, flowLogsCloudWatchGb: 0.57, flowLogsS3Gb: 0.25,
    ec2Hour: {
      ...family('m5', 0.107), ...family('m6i', 0.107), ...family('m7i', 0.1124),
    },
  },
  'eu-central-1': {
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    natGatewayHour: 0.052, natGatewayGb: 0.052, publicIpv4Hour: 0.005,
    nlbHour: 0.027, nlbLcuHour: 0.006,
    gp3GbMonth: 0.0952,
    logsIngestGb: 0.63, logsStoreGbMonth: 0.0324, flowLogsCloudWatchGb: 0.63, flowLogsS3Gb: 0.25,
    ec2Hour: {
      ...family('m5', 0.115), ...family('m6i', 0.115), ...family('m7i', 0.1208),
    },
  },
};

/** The prices of a region, or undefined when the table has none for it. */
export function regionPrices(region: string): RegionPrices | undefined {
  return Object.hasOwn(REGION_PRICES, region) ? REGION_PRICES[region] : undefined;
}

/** The regions the table covers. */
export function pricedRegions(): string[] {
  return Object.keys(REGION_PRICES);
}
