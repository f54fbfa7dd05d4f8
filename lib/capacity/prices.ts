/**
 * The AWS list prices (USD, on-demand, Linux) the idle-cost estimate uses: a dated table, no network calls.
 * Prices change: the date says when the table was written, each figure says where it was checked, and a region
 * or instance type missing here is said to be missing, never guessed.
 *
 * Provenance (checked 2026-12-07 against stored copies of public sources; the live web was not reachable, so
 * nothing here was read off the AWS pages in PRICE_SOURCES on that day). Three grades, written beside each figure:
 * - verified: from AWS's own data or page.
 *   us-east-1 EC2: every figure equals aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go
 *   at commit 6fc13b5236fd ("generated at 2026-07-20T13:44:30Z for us-east-1" from the AWS Price List API),
 *   including the rule that each size doubles the `large` price (checked for every family and size below) and
 *   the metal sizes, which do not follow it. EKS $0.10 / $0.60 per cluster-hour: AWS Containers blog "Amazon EKS
 *   extended support for Kubernetes versions pricing" (aws.amazon.com/blogs/containers/, 2024, stored as a mirror
 *   copy; no regional qualifier; vantage.sh/blog/amazon-eks-extended-support-cost-kubernetes agrees). KMS $1 per key-month:
 *   https://aws.amazon.com/kms/pricing/ (stored copy).
 * - corroborated: quoted by dated third-party pages (not AWS), which agree with each other.
 * - unverified: no source found; kept because it fits the region's other figures (or, for vended logs to S3 in
 *   Europe, derived from the pattern the sources show), and marked so. Most European figures are in this grade
 *   (the European EC2 prices especially): check them before using them for a budget.
 */

/** When the figures were written down. */
export const PRICES_AS_OF = '2026-12-07';

/** Hours in the month AWS bills by (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Where each figure is published by AWS (what each was checked against is written beside it in REGION_PRICES). */
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

/** A customer managed KMS key, per month (every region). Verified: https://aws.amazon.com/kms/pricing/ (stored copy). */
export const KMS_KEY_MONTH = 1;
/**
 * A Route 53 hosted zone, per month (the first 25). Corroborated: ns1.com/resources/aws-dns ("$0.50 per hosted
 * DNS zone / month for the first 25 hosted zones, $0.10 for additional zones").
 */
export const HOSTED_ZONE_MONTH = 0.5;

/**
 * Per-hour prices of a family's sizes from its `large` price (each size doubles, as AWS prices them: true of every
 * family and size here in the us-east-1 source). Rounded to 6 decimals, the precision AWS publishes (rounding to 4
 * turned m7a.large's $0.11592 into $0.1159 and c7i.large's $0.08925 into $0.0892). Metal sizes are listed apart.
 */
function family(name: string, large: number): Record<string, number> {
  const sizes: ReadonlyArray<readonly [string, number]> = [['large', 1], ['xlarge', 2], ['2xlarge', 4], ['4xlarge', 8], ['8xlarge', 16], ['12xlarge', 24], ['16xlarge', 32]];
  return Object.fromEntries(sizes.map(([size, factor]) => [`${name}.${size}`, Math.round(large * factor * 1e6) / 1e6]));
}

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    // Verified (AWS Containers blog, 2024): $0.10 standard, $0.60 extended support, per cluster-hour.
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    // Corroborated: $0.045 per NAT gateway-hour and per GB (cloudburn.io/blog/aws-nat-gateway-pricing, 2026-02-24;
    // basavytix.com/blog/aws-nat-gateway-pricing; cloudsoft.io/blog/spotlight-aws-nat-gateway). $0.005 per public
    // IPv4-hour, every region, since 2024-02-01 (community.aws "AWS to Charge Public IPv4 Addresses", 2024-02-08;
    // repost.aws "Public IPv4 Addresses Cost Projection").
    natGatewayHour: 0.045, natGatewayGb: 0.045, publicIpv4Hour: 0.005,
    // Corroborated: $0.0225 per NLB-hour, $0.006 per NLCU-hour (awsnegotiations.com/elastic-load-balancer-cost.html,
    // May 2026; clustercost.com/blog/network-load-balancer-pricing-2025).
    nlbHour: 0.0225, nlbLcuHour: 0.006,
    // Corroborated: gp3 $0.08 per GB-month, 3,000 IOPS and 125 MB/s included (saisci.com gp3 pages, N. Virginia;
    // cloudoptimo.com EBS pricing, us-east-1).
    gp3GbMonth: 0.08,
    // Corroborated: logs ingestion $0.50/GB, storage $0.03/GB-month, vended logs to S3 $0.25/GB ("us-east-1, June
    // 2026": c3x.dev/blog/cloudwatch-logs-cost-optimization; hykell.com CloudWatch Logs pricing); vended logs to
    // CloudWatch Logs $0.50/GB for the first 10 TB (aws-samples sample-cfm-tips-mcp cloudwatch_service_vended_log.py,
    // as stored at glama.fly.dev; duckbillgroup.com: the first tier equals the old flat $0.50).
    logsIngestGb: 0.50, logsStoreGbMonth: 0.03, flowLogsCloudWatchGb: 0.50, flowLogsS3Gb: 0.25,
    // Verified: aws/karpenter-provider-aws zz_generated.pricing_aws.go (commit 6fc13b5236fd, generated 2026-07-20).
    ec2Hour: {
      ...family('m5', 0.096), ...family('m6i', 0.096), ...family('m6a', 0.0864), ...family('m7i', 0.1008),
      ...family('m7i-flex', 0.09576), ...family('m7a', 0.11592), ...family('m8i', 0.10584),
      ...family('m6g', 0.077), ...family('m7g', 0.0816),
      ...family('c6i', 0.085), ...family('c7i', 0.08925), ...family('r6i', 0.126), ...family('r7i', 0.1323),
      'm5.metal': 4.608, 'm6i.metal': 6.144, 'c6i.metal': 5.44, 'r6i.metal': 8.064,
      'm7i.metal-24xl': 5.32224, 'm7i.metal-48xl': 9.6768, 'c7i.metal-24xl': 4.7124, 'c7i.metal-48xl': 8.568,
      'r7i.metal-24xl': 6.98544, 'r7i.metal-48xl': 12.7008,
    },
  },
  'eu-west-1': {
    // EKS: as us-east-1 (the AWS blog gives the per-cluster charge without a regional qualifier). Public IPv4: as us-east-1.
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    // NAT: unverified for Ireland alone; cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026 gives
    // "Europe (Ireland, Frankfurt, London) ~$0.048-$0.052" per hour and per GB, which this fits.
    natGatewayHour: 0.048, natGatewayGb: 0.048, publicIpv4Hour: 0.005,
    // NLB $0.0252/h: unverified (only third-party code tables found). NLCU $0.006: unverified (us-east-1's rate).
    nlbHour: 0.0252, nlbLcuHour: 0.006,
    // gp3 $0.088: corroborated by third-party transcriptions of the EBS pricing page (a 2021 per-region table in
    // public code, and several others), not by an AWS page.
    gp3GbMonth: 0.088,
    // Logs $0.57 ingestion, $0.03 storage: unverified. Vended logs to CloudWatch Logs: the region's ingestion rate
    // (as in us-east-1 and Tokyo). Vended logs to S3: NOT the same in every region (Tokyo $0.38 against N. Virginia's
    // $0.25: tech.enechange.co.jp 2023-02-07; zenn.dev/team_delta VPC flow logs costs), and in both regions found
    // it is half the ingestion rate; so $0.285 here, derived that way, unverified (the earlier table's $0.25 "in
    // all three regions" was not).
    logsIngestGb: 0.57, logsStoreGbMonth: 0.03, flowLogsCloudWatchGb: 0.57, flowLogsS3Gb: 0.285,
    // EC2: unverified (no generated price list for this region was found; m5/m6i.large $0.107 matches a
    // third-party table; m7i = 1.05 x m6i as in us-east-1). No metal prices: those types get "no price".
    ec2Hour: {
      ...family('m5', 0.107), ...family('m6i', 0.107), ...family('m7i', 0.1124),
    },
  },
  'eu-central-1': {
    // EKS and public IPv4: as us-east-1.
    eksClusterHour: 0.10, eksExtendedClusterHour: 0.60,
    // NAT $0.052: unverified for Frankfurt alone; fits the range above and a third-party 2026 eu-central-1 table.
    natGatewayHour: 0.052, natGatewayGb: 0.052, publicIpv4Hour: 0.005,
    // NLB $0.027/h: unverified (same third-party table). NLCU $0.006: unverified (us-east-1's rate).
    nlbHour: 0.027, nlbLcuHour: 0.006,
    // gp3 $0.0952: corroborated by the same third-party EBS-page transcriptions as eu-west-1's.
    gp3GbMonth: 0.0952,
    // Logs $0.63 ingestion, $0.0324 storage: unverified. Vended logs to S3: derived as for eu-west-1 (half of
    // $0.63), unverified.
    logsIngestGb: 0.63, logsStoreGbMonth: 0.0324, flowLogsCloudWatchGb: 0.63, flowLogsS3Gb: 0.315,
    // EC2: unverified (m6i.large $0.115 matches a third-party 2026 eu-central-1 table; m7i = 1.05 x m6i, rounded).
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
